package org.iocsync.qradar;

/** Writes values into QRadar's filter syntax. */
final class Filters {
  private Filters() {}

  /** A string in double quotes, its backslashes and double quotes escaped with a backslash. */
  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
