package io.isostack.correlator.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} over a {@link Wire}-style codec: the application's own records in its
 * internal topics and state stores. A null value (a tombstone) stays null. Thread-safe when the
 * codec is (they are stateless).
 *
 * @param <T> the record type
 */
final class WireSerde<T> implements Serde<T> {
  /** Writes and reads one record. */
  interface Codec<T> {
    void write(DataOutput out, T value) throws IOException;

    T read(DataInput in) throws IOException;
  }

  private final Codec<T> codec;

  WireSerde(Codec<T> codec) {
    this.codec = codec;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : bytes(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      try {
        return codec.read(new DataInputStream(new ByteArrayInputStream(data)));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("undecodable record on " + topic, e);
      }
    };
  }

  byte[] bytes(T value) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      codec.write(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return buf.toByteArray();
  }
}
