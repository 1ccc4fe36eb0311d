package org.iocsync.qradar;

import java.nio.charset.StandardCharsets;

/**
 * Encodes names and values for QRadar's paths twice, as QRadar expects: the servlet container in
 * front of it decodes a path once and refuses an encoded slash, and QRadar decodes the rest. So
 * {@code a b/c} travels as {@code a%2520b%252Fc}.
 */
final class PathEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathEncoding() {}

  static String twice(String text) {
    return once(once(text));
  }

  /**
   * Percent-encodes every byte but the unreserved characters of RFC 3986. A segment of dots only is
   * encoded too, so that no layer can take it for {@code .} or {@code ..}.
   */
  static String once(String text) {
    boolean onlyDots = !text.isEmpty() && text.chars().allMatch(c -> c == '.');
    StringBuilder encoded = new StringBuilder(text.length() + 16);
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (isUnreserved(c) && !(onlyDots && c == '.')) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return encoded.toString();
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
