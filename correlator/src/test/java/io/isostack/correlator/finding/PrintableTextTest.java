package io.isostack.correlator.finding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTextTest {

  @Test
  void terminalEscapeSequencesAreEscaped() {
    assertThat(PrintableText.escape("GET \u001b]0;pwned\u0007/pay\u001b[2J"))
        .isEqualTo("GET \\x1b]0;pwned\\x07/pay\\x1b[2J");
  }

  @Test
  void newlinesC1AndBidiOverridesAreEscaped() {
    assertThat(PrintableText.escape("a\nb\u009b31m\u202ec")).isEqualTo("a\\x0ab\\x9b31m\\u202ec");
  }

  @Test
  void printableTextIsReturnedAsIs() {
    String s = "GET /checkout → backend é 日本";
    assertThat(PrintableText.escape(s)).isSameAs(s);
  }
}
