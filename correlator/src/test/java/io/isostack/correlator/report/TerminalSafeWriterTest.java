package io.isostack.correlator.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TerminalSafeWriterTest {

  @Test
  void controlCharactersAreEscapedButTheLayoutIsKept() {
    StringWriter s = new StringWriter();
    try (PrintWriter w = new PrintWriter(new TerminalSafeWriter(s))) {
      w.print("comm \u001b[31mred\r\n\tnext\u007f");
    }
    assertThat(s.toString()).isEqualTo("comm \\x1b[31mred\\x0d\n\tnext\\x7f");
  }
}
