package org.iocsync.http;

/** Shortens a response body that is not the JSON a client expected, for an error message. */
public final class BodyExcerpt {
  /** The most characters an excerpt keeps. */
  public static final int MAX_LENGTH = 200;

  private BodyExcerpt() {}

  /**
   * Returns the start of {@code body} on one line: runs of whitespace become one space, control
   * characters are dropped, and the text is cut at {@link #MAX_LENGTH} characters with an ellipsis.
   */
  public static String of(String body) {
    StringBuilder excerpt = new StringBuilder(Math.min(body.length(), MAX_LENGTH + 1));
    boolean pendingSpace = false;
    for (int i = 0; i < body.length() && excerpt.length() < MAX_LENGTH; i++) {
      char c = body.charAt(i);
      if (Character.isWhitespace(c)) {
        pendingSpace = excerpt.length() > 0;
      } else if (!Character.isISOControl(c)) {
        if (pendingSpace) {
          excerpt.append(' ');
          pendingSpace = false;
        }
        excerpt.append(c);
      }
    }
    boolean cut = excerpt.length() >= MAX_LENGTH && body.length() > MAX_LENGTH;
    return cut ? excerpt.append('…').toString() : excerpt.toString();
  }
}
