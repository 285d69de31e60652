# syntax=docker/dockerfile:1
# The project's two Java images, built from source in one stage and used by docker-compose.yml:
#   --target correlator   `correlator serve` (entrypoint: java -jar /opt/isostack/correlator.jar)
#   --target sample-app   the sample services (entrypoint: java -jar /opt/isostack/sample-app.jar)
# The build context is the repository root (.dockerignore keeps target/ and .git out).

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# Only the two shaded jars and what they need; tests are neither compiled nor run here
# (`mvn verify` is the check). The cache mount keeps ~/.m2 between builds.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl correlator,samples -am package -Dmaven.test.skip=true \
 && ls -l correlator/target/correlator.jar samples/target/sample-app.jar

FROM eclipse-temurin:17-jre AS correlator
COPY --from=build /src/correlator/target/correlator.jar /opt/isostack/correlator.jar
# 4317 OTLP/gRPC; 4318 OTLP/HTTP, POST /v1/kernel-events, GET /api/findings, /api/stats, /healthz
EXPOSE 4317 4318
ENTRYPOINT ["java", "-jar", "/opt/isostack/correlator.jar"]
# By default every request but /healthz needs the bearer token in /run/isostack/token (mount it);
# plaintext is for a private container network published on 127.0.0.1 only. Elsewhere add
# --tls-cert/--tls-key and drop --insecure-token (README, "Security and hostile input").
CMD ["serve", "--bind", "0.0.0.0", "--api", "--token-file", "/run/isostack/token", "--insecure-token"]

FROM eclipse-temurin:17-jre AS sample-app
COPY --from=build /src/samples/target/sample-app.jar /opt/isostack/sample-app.jar
# The backend's journal (--write-dir, the disk fault) and audit directory (--audit-dir, the
# seccomp fault) are made here, at build time, where no seccomp profile denies mkdir.
RUN mkdir -p /var/lib/isostack/journal /var/lib/isostack/audit
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/opt/isostack/sample-app.jar"]
