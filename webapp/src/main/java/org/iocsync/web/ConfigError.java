package org.iocsync.web;

/**
 * One bad field of a configuration file or an API request.
 *
 * @param path the field's JSON path, such as {@code $.jobs[0].intervalMinutes}
 * @param message what is wrong and how to fix it
 */
record ConfigError(String path, String message) {
  /**
   * The field's name within its object, as a form labels it: {@code $.jobs[0].types[2]} gives
   * {@code types}.
   */
  String field() {
    String last = path.substring(path.lastIndexOf('.') + 1);
    if (path.matches(".*\\.[A-Za-z]+\\[\\d+]$")) {
      return last.substring(0, last.indexOf('['));
    }
    return last;
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
