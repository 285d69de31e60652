package io.isostack.correlator.report;

import io.isostack.correlator.finding.PrintableText;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * A writer for a terminal: every control character that is not the report's own layout (newline,
 * tab) is written as an escape ({@link PrintableText}), whatever renderer produced it, so that
 * names from the input cannot send terminal escape sequences. Not thread-safe (as the writer it
 * wraps).
 */
public final class TerminalSafeWriter extends FilterWriter {

  /**
   * Wraps a writer.
   *
   * @param out the terminal's writer
   */
  public TerminalSafeWriter(Writer out) {
    super(out);
  }

  @Override
  public void write(int c) throws IOException {
    char ch = (char) c;
    if (ch != '\n' && ch != '\t' && PrintableText.isControl(ch)) {
      StringBuilder b = new StringBuilder(6);
      PrintableText.appendEscape(b, ch);
      out.write(b.toString());
    } else {
      out.write(c);
    }
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    int start = off;
    for (int i = off; i < off + len; i++) {
      char ch = buf[i];
      if (ch != '\n' && ch != '\t' && PrintableText.isControl(ch)) {
        out.write(buf, start, i - start);
        write(ch);
        start = i + 1;
      }
    }
    out.write(buf, start, off + len - start);
  }

  @Override
  public void write(String s, int off, int len) throws IOException {
    write(s.toCharArray(), off, len);
  }
}
