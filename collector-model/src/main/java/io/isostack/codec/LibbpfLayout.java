package io.isostack.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * The column layout of one libbpf-tools per-event header line, and the slicing of data lines by it.
 *
 * <p>Columns are found by whitespace in the header ({@code PREV COMM} and {@code PREV TID} are one
 * column each). Data lines are cut left to right: a task-name column ({@code COMM}, {@code PCOMM},
 * {@code PREV COMM}) is taken at its fixed printed width (from its header offset to the next
 * column's), starting at the first non-blank character, because task names may contain spaces
 * ({@code VM Thread}); an last {@code ARGS} or {@code EXIT_CODE} column takes the rest of the line
 * ({@code signal 9 (KILL)}); every other column is the next whitespace-separated token. Not
 * thread-safe (reuses one value array).
 */
final class LibbpfLayout {
  private final String[] names;
  private final int[] commWidths; // 0 for non-comm columns
  private final String[] values;

  private LibbpfLayout(List<String> names, List<Integer> starts) {
    int n = names.size();
    this.names = names.toArray(new String[0]);
    this.commWidths = new int[n];
    this.values = new String[n];
    for (int i = 0; i < n; i++) {
      if (isComm(this.names[i])) {
        commWidths[i] = i + 1 < n ? starts.get(i + 1) - starts.get(i) - 1 : Integer.MAX_VALUE;
      }
    }
  }

  private static boolean isComm(String name) {
    return name.equals("COMM")
        || name.equals("PCOMM")
        || name.equals("PREV COMM")
        || name.equals("C-COMM");
  }

  /** Splits a header line into columns; never null (may have no columns). */
  static LibbpfLayout parse(String header) {
    List<String> names = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    int n = header.length();
    int i = 0;
    while (i < n) {
      while (i < n && header.charAt(i) <= ' ') {
        i++;
      }
      if (i == n) {
        break;
      }
      int s = i;
      while (i < n && header.charAt(i) > ' ') {
        i++;
      }
      String tok = header.substring(s, i);
      if (!names.isEmpty() && names.get(names.size() - 1).equals("PREV")) {
        names.set(names.size() - 1, "PREV " + tok);
      } else {
        names.add(tok);
        starts.add(s);
      }
    }
    return new LibbpfLayout(names, starts);
  }

  /** The index of a column, or -1. */
  int index(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first column whose name starts with {@code prefix}, or -1. */
  int indexStartingWith(String prefix) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of the first of several column names present, or -1. */
  int index(String a, String b) {
    int i = index(a);
    return i >= 0 ? i : index(b);
  }

  int columns() {
    return names.length;
  }

  /**
   * Cuts a data line.
   *
   * @return the values by column index (valid until the next call), or null when the line has fewer
   *     values than columns
   */
  String[] split(String line) {
    int n = line.length();
    int pos = 0;
    for (int c = 0; c < names.length; c++) {
      while (pos < n && line.charAt(pos) <= ' ') {
        pos++;
      }
      if (pos == n) {
        return null;
      }
      int end;
      if (c == names.length - 1 && (names[c].equals("ARGS") || names[c].equals("EXIT_CODE"))) {
        end = n;
        while (end > pos && line.charAt(end - 1) <= ' ') {
          end--;
        }
      } else if (commWidths[c] > 0) {
        end = (int) Math.min(n, (long) pos + commWidths[c]);
        int e = end;
        while (e > pos && line.charAt(e - 1) <= ' ') {
          e--;
        }
        values[c] = line.substring(pos, e);
        pos = end;
        continue;
      } else {
        end = pos;
        while (end < n && line.charAt(end) > ' ') {
          end++;
        }
      }
      values[c] = line.substring(pos, end);
      pos = end;
    }
    return values;
  }
}
