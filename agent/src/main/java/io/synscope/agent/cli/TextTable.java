package io.synscope.agent.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A table sized to its content, laid out as {@code ss} does: one space between columns, the
 * address right-aligned against the {@code :} before a left-aligned port, so that the colons of
 * "Local Address:Port" line up. Trailing blanks are cut.
 */
final class TextTable {
  enum Align {
    LEFT,
    RIGHT
  }

  private static final class Column {
    final String header;
    final Align align;
    final String gap;

    Column(String header, Align align, String gap) {
      this.header = header;
      this.align = align;
      this.gap = gap;
    }
  }

  private final List<Column> columns = new ArrayList<>();
  private final List<String[]> rows = new ArrayList<>();

  /** Adds a column separated from the previous one by a space. */
  TextTable column(String header, Align align) {
    columns.add(new Column(header, align, columns.isEmpty() ? "" : " "));
    return this;
  }

  /**
   * Adds an address and a port column, shown as {@code address:port} with the colons aligned;
   * {@code header} is split at its colon ({@code "Local Address:Port"}).
   */
  TextTable addressColumns(String header) {
    int colon = header.indexOf(':');
    columns.add(
        new Column(header.substring(0, colon), Align.RIGHT, columns.isEmpty() ? "" : " "));
    columns.add(new Column(header.substring(colon + 1), Align.LEFT, ":"));
    return this;
  }

  /** Adds a row; one cell per column, an address column pair taking two cells. */
  TextTable row(String... cells) {
    if (cells.length != columns.size()) {
      throw new IllegalArgumentException(
          "row of " + cells.length + " cells for " + columns.size() + " columns");
    }
    rows.add(cells.clone());
    return this;
  }

  List<String> lines() {
    int[] widths = new int[columns.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = columns.get(c).header.length();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    List<String> out = new ArrayList<>(rows.size() + 1);
    String[] headers = new String[columns.size()];
    for (int c = 0; c < headers.length; c++) {
      headers[c] = columns.get(c).header;
    }
    out.add(line(headers, widths));
    for (String[] row : rows) {
      out.add(line(row, widths));
    }
    return out;
  }

  void print(PrintStream out) {
    for (String line : lines()) {
      out.println(line);
    }
  }

  private String line(String[] cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      Column col = columns.get(c);
      sb.append(col.gap);
      int pad = widths[c] - cells[c].length();
      if (col.align == Align.RIGHT) {
        sb.append(" ".repeat(pad)).append(cells[c]);
      } else {
        sb.append(cells[c]).append(" ".repeat(pad));
      }
    }
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    return sb.toString();
  }
}
