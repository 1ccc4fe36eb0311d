package org.iocsync.core;

import java.util.List;

/**
 * Thrown when a {@link JobSpec} cannot be run as written. It names every bad field at once, so that
 * a form or a configuration file can be corrected in one pass: {@link #errors()} lists them, and
 * the message joins them into one readable sentence.
 */
public final class InvalidJobException extends IllegalArgumentException {
  /**
   * One bad field of a job and what to do about it.
   *
   * @param field the name of the field as {@link JobSpec} and the configuration file spell it, such
   *     as {@code intervalMinutes}
   * @param message what is wrong and how to fix it, quoting the bad value where there is one
   */
  public record FieldError(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private static final int MAX_QUOTED = 80;

  private final List<FieldError> errors;

  /**
   * Makes an exception for the job called {@code jobName}, which the message quotes safely however
   * malformed it is, with at least one error.
   *
   * @throws IllegalArgumentException if {@code errors} is empty
   */
  public InvalidJobException(String jobName, List<FieldError> errors) {
    super(message(jobName, errors));
    this.errors = List.copyOf(errors);
  }

  /** Every bad field; {@link JobValidator} lists them in the order of {@link JobSpec}'s fields. */
  public List<FieldError> errors() {
    return errors;
  }

  private static String message(String jobName, List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an invalid job needs at least one field error");
    }
    StringBuilder message = new StringBuilder();
    message.append(jobName.isEmpty() ? "Invalid job" : "Invalid job " + quote(jobName));
    message.append(errors.size() == 1 ? ": " : " (" + errors.size() + " problems): ");
    for (int i = 0; i < errors.size(); i++) {
      if (i > 0) {
        message.append("; ");
      }
      message.append(errors.get(i));
    }
    return message.toString();
  }

  /**
   * {@code value} in double quotes, safe to show in a message, a log line or a terminal: quotes,
   * backslashes, control and format characters (bidirectional overrides included), line separators
   * and unpaired surrogates escaped; cut after 80 code points.
   */
  static String quote(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    int codePoints = 0;
    for (int i = 0; i < value.length(); ) {
      if (codePoints == MAX_QUOTED) {
        quoted.append("...");
        break;
      }
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      codePoints++;
      if (c == '"' || c == '\\') {
        quoted.append('\\').appendCodePoint(c);
      } else if (isInvisible(c)) {
        quoted.append(String.format("\\u%04x", c));
      } else {
        quoted.appendCodePoint(c);
      }
    }
    return quoted.append('"').toString();
  }

  /** Whether {@code c} could break or disguise the text around it when shown as it is. */
  private static boolean isInvisible(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
