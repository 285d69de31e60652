package io.isostack.correlator.layout;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package layering of the correlator, as the README's "How the code is laid out" describes it:
 * the steps of the method in pipeline order (receiver, detect, join, rules, finding, verdict), the
 * drivers (engine, stream), the faces (report, export, metrics, server, demo) and the command line.
 * A package may use only the packages listed for it; anything else is an upward import.
 */
class PackageLayeringTest {
  private static final String ROOT = "io.isostack.correlator";
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void eachPackageUsesOnlyThePackagesBelowIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("receiver")
        .definedBy(ROOT + ".receiver..")
        .layer("detect")
        .definedBy(ROOT + ".detect..")
        .layer("join")
        .definedBy(ROOT + ".join..")
        .layer("rules")
        .definedBy(ROOT + ".rules..")
        .layer("finding")
        .definedBy(ROOT + ".finding..")
        .layer("verdict")
        .definedBy(ROOT + ".verdict..")
        .layer("engine")
        .definedBy(ROOT + ".engine..")
        .layer("stream")
        .definedBy(ROOT + ".stream..")
        .layer("storage")
        .definedBy(ROOT + ".storage..")
        .layer("report")
        .definedBy(ROOT + ".report..")
        .layer("export")
        .definedBy(ROOT + ".export..")
        .layer("metrics")
        .definedBy(ROOT + ".metrics..")
        .layer("server")
        .definedBy(ROOT + ".server..")
        .layer("lab")
        .definedBy(ROOT + ".lab..")
        .layer("demo")
        .definedBy(ROOT + ".demo..")
        .layer("cli")
        .definedBy(ROOT + ".cli..")
        .whereLayer("receiver")
        .mayNotAccessAnyLayer()
        .whereLayer("detect")
        .mayNotAccessAnyLayer()
        .whereLayer("join")
        .mayOnlyAccessLayers("detect")
        .whereLayer("rules")
        .mayOnlyAccessLayers("join")
        .whereLayer("finding")
        .mayNotAccessAnyLayer()
        .whereLayer("verdict")
        .mayOnlyAccessLayers("detect", "join", "rules", "finding")
        .whereLayer("engine")
        .mayOnlyAccessLayers("receiver", "detect", "join", "rules", "finding", "verdict")
        .whereLayer("stream")
        .mayOnlyAccessLayers(
            "receiver", "detect", "join", "rules", "finding", "verdict", "engine", "export")
        .whereLayer("storage")
        .mayOnlyAccessLayers("receiver", "finding", "engine")
        .whereLayer("report")
        .mayOnlyAccessLayers("receiver", "rules", "finding", "engine")
        .whereLayer("export")
        .mayOnlyAccessLayers("finding", "engine")
        .whereLayer("metrics")
        .mayOnlyAccessLayers("receiver", "finding", "engine", "stream")
        .whereLayer("server")
        .mayOnlyAccessLayers(
            "receiver", "finding", "engine", "stream", "storage", "report", "metrics", "export")
        .whereLayer("lab")
        .mayNotAccessAnyLayer()
        .whereLayer("demo")
        .mayOnlyAccessLayers(
            "receiver",
            "rules",
            "finding",
            "engine",
            "report",
            "export",
            "metrics",
            "server",
            "lab")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .check(CLASSES);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
  }
}
