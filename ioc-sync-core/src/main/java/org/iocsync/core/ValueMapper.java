package org.iocsync.core;

import java.util.Locale;
import java.util.Optional;
import org.iocsync.core.MispTypes.Part;
import org.iocsync.core.MispTypes.Rule;
import org.jspecify.annotations.Nullable;

/**
 * Turns one MISP attribute value into the one value a reference set of a given element type holds,
 * or the reason it holds none. {@link MispTypes} decides which part of the value a type yields;
 * this class normalises and checks that part:
 *
 * <ul>
 *   <li>Every value is first trimmed of white space and control characters at both ends; what
 *       remains must not be empty. A {@code |} splits a composite value at its last occurrence.
 *   <li>Addresses: IPv4 in dotted-quad form without leading zeros, or IPv6 written in the short
 *       form of RFC 5952 (lower case, leading zeros dropped, the longest run of two or more zero
 *       groups compressed). An IPv4 address embedded in IPv6 ({@code ::1.2.3.4}) is written in hex.
 *       A {@code /32} or {@code /128} suffix is dropped; any other prefix, a zone id, an
 *       IPv4-mapped address ({@code ::ffff:1.2.3.4}), brackets or a short form such as {@code
 *       107.183.86} are invalid. Addresses are never resolved.
 *   <li>Ports: a decimal integer from 0 to 65535; numbers: a decimal integer that fits in 64 bits,
 *       autonomous system numbers without their {@code AS} prefix (asdot {@code 1.10} becomes
 *       {@code 65546}). Both are written without leading zeros.
 *   <li>Host names lose one trailing dot and must be ASCII: labels of letters, digits, hyphens and
 *       underscores, 1 to 63 long, not starting or ending with a hyphen; at least two labels and at
 *       most 253 characters; the last label at least two characters and not all digits.
 *       Internationalised names must come in their punycode form ({@code xn--}): MISP stores them
 *       so, QRadar sees them so, and converting here could silently disagree with both.
 *   <li>Hashes must have the shape of their type: fixed-length hex for {@code md5}, {@code sha256}
 *       and the like, {@code blocksize:hash:hash} for {@code ssdeep} and {@code impfuzzy}.
 *   <li>Any other text must be one line without control characters, and must not contain unpaired
 *       surrogates, which cannot be sent as UTF-8.
 *   <li>ALNIC values are lower-cased; ALN values keep their case. Addresses are always written in
 *       lower case.
 *   <li>A value longer than the maximum length, counted in Unicode code points after normalisation,
 *       is too long.
 * </ul>
 *
 * <p>The mapper is pure and never throws on any value: it runs for every attribute of every run.
 * Normalising a value it returned, as a value of the part's own type, returns it unchanged.
 */
final class ValueMapper {
  private static final long MAX_AS_NUMBER = 4_294_967_295L;
  private static final int MAX_HOST_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private ValueMapper() {}

  /**
   * The value that an attribute of MISP type {@code type} with value {@code value} puts into a
   * reference set of {@code elementType}, or why it puts none ({@link SkipReason#TYPE_MISMATCH},
   * {@link SkipReason#INVALID_VALUE} or {@link SkipReason#TOO_LONG}).
   *
   * @param maxLength the most code points a value may have; at least 1
   * @throws IllegalArgumentException if {@code maxLength} is under 1
   */
  static MappingResult map(String type, String value, ElementType elementType, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
    }
    Optional<Rule> found = MispTypes.rule(type, elementType);
    if (found.isEmpty()) {
      return MappingResult.skipped(SkipReason.TYPE_MISMATCH);
    }
    Rule rule = found.get();

    String part = value;
    if (rule.part() != Part.WHOLE) {
      int bar = value.lastIndexOf('|');
      if (bar < 0) {
        return MappingResult.skipped(SkipReason.INVALID_VALUE);
      }
      part = rule.part() == Part.LEFT ? value.substring(0, bar) : value.substring(bar + 1);
    }

    String trimmed = trim(part);
    @Nullable String normalised = trimmed.isEmpty() ? null : normalise(trimmed, rule, elementType);
    if (normalised == null) {
      return MappingResult.skipped(SkipReason.INVALID_VALUE);
    }

    if (normalised.length() > maxLength
        && normalised.codePointCount(0, normalised.length()) > maxLength) {
      return MappingResult.skipped(SkipReason.TOO_LONG);
    }
    return MappingResult.mapped(normalised);
  }

  private static @Nullable String normalise(String value, Rule rule, ElementType elementType) {
    boolean lowerCase = elementType == ElementType.ALNIC;
    return switch (rule.kind()) {
      case ADDRESS -> address(value);
      case PORT -> port(value);
      case AS_NUMBER -> asNumber(value);
      case INTEGER -> integer(value);
      case HOST -> host(value, lowerCase);
      case HEX ->
          value.length() == rule.hexLength() && isHex(value, 0) ? ascii(value, lowerCase) : null;
      case TLSH -> tlsh(value) ? ascii(value, lowerCase) : null;
      case TELFHASH -> telfhash(value) ? ascii(value, lowerCase) : null;
      case FUZZY -> fuzzy(value) ? ascii(value, lowerCase) : null;
      case CDHASH -> value.length() >= 40 && isHex(value, 0) ? ascii(value, lowerCase) : null;
      case TEXT -> text(value, lowerCase);
    };
  }

  /** {@code value} without white space or control characters at either end. */
  private static String trim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isBlank(value.charAt(start))) {
      start++;
    }
    while (end > start && isBlank(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  private static boolean isBlank(char c) {
    return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c) || isControl(c);
  }

  private static boolean isControl(char c) {
    return c < ' ' || (c >= 0x7f && c <= 0x9f);
  }

  // Addresses.

  private static @Nullable String address(String value) {
    int slash = value.indexOf('/');
    String address = slash < 0 ? value : value.substring(0, slash);
    boolean v6 = address.indexOf(':') >= 0;
    if (slash >= 0) {
      String prefix = value.substring(slash + 1);
      if (!prefix.equals(v6 ? "128" : "32")) {
        return null;
      }
    }
    return v6 ? ipv6(address) : (ipv4(address, 0, address.length()) >= 0 ? address : null);
  }

  /**
   * The 32 bits of the dotted-quad IPv4 address in {@code value[start, end)}, or -1 when it is not
   * one: four decimal octets of at most 255, without leading zeros.
   */
  private static long ipv4(String value, int start, int end) {
    long bits = 0;
    int octets = 0;
    int i = start;
    while (octets < 4) {
      int digitsStart = i;
      int octet = 0;
      while (i < end && i - digitsStart < 3 && isDigit(value.charAt(i))) {
        octet = octet * 10 + (value.charAt(i) - '0');
        i++;
      }
      int digits = i - digitsStart;
      if (digits == 0 || octet > 255 || (digits > 1 && value.charAt(digitsStart) == '0')) {
        return -1;
      }
      bits = (bits << 8) | octet;
      octets++;
      if (octets < 4) {
        if (i >= end || value.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return i == end ? bits : -1;
  }

  /** {@code value} in RFC 5952 form, or null when it is no IPv6 address or a mapped IPv4 one. */
  private static @Nullable String ipv6(String value) {
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int length = value.length();
    int i = 0;
    if (value.startsWith("::")) {
      gap = 0;
      i = 2;
    }

    while (i < length) {
      int j = i;
      int group = 0;
      while (j < length && j - i <= 4 && hexDigit(value.charAt(j)) >= 0) {
        group = (group << 4) | hexDigit(value.charAt(j));
        j++;
      }
      if (j < length && value.charAt(j) == '.') {
        long bits = count <= 6 ? ipv4(value, i, length) : -1;
        if (bits < 0) {
          return null;
        }
        groups[count++] = (int) (bits >>> 16);
        groups[count++] = (int) (bits & 0xffff);
        break;
      }
      if (j == i || j - i > 4 || count == 8) {
        return null;
      }
      groups[count++] = group;
      if (j == length) {
        break;
      }
      if (value.charAt(j) != ':') {
        return null;
      }
      j++;
      if (j < length && value.charAt(j) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = count;
        j++;
      } else if (j == length) {
        return null;
      }
      i = j;
    }

    if (gap >= 0) {
      if (count == 8) {
        return null;
      }
      int shift = 8 - count;
      System.arraycopy(groups, gap, groups, gap + shift, count - gap);
      for (int k = gap; k < gap + shift; k++) {
        groups[k] = 0;
      }
    } else if (count != 8) {
      return null;
    }

    boolean mapped =
        groups[0] == 0
            && groups[1] == 0
            && groups[2] == 0
            && groups[3] == 0
            && groups[4] == 0
            && groups[5] == 0xffff;
    return mapped ? null : rfc5952(groups);
  }

  private static String rfc5952(int[] groups) {
    int bestStart = -1;
    int bestLength = 1;
    for (int k = 0; k < 8; ) {
      if (groups[k] != 0) {
        k++;
        continue;
      }
      int start = k;
      while (k < 8 && groups[k] == 0) {
        k++;
      }
      if (k - start > bestLength) {
        bestStart = start;
        bestLength = k - start;
      }
    }

    StringBuilder out = new StringBuilder(39);
    for (int k = 0; k < 8; k++) {
      if (k == bestStart) {
        out.append("::");
        k += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[k]));
    }
    return out.toString();
  }

  // Numbers.

  private static @Nullable String port(String value) {
    long number = unsigned(value, 0, value.length(), 65_535);
    return number >= 0 ? Long.toString(number) : null;
  }

  private static @Nullable String asNumber(String value) {
    int start = value.regionMatches(true, 0, "AS", 0, 2) ? 2 : 0;
    int dot = value.indexOf('.', start);
    long number;
    if (dot < 0) {
      number = unsigned(value, start, value.length(), MAX_AS_NUMBER);
    } else {
      long high = unsigned(value, start, dot, 65_535);
      long low = unsigned(value, dot + 1, value.length(), 65_535);
      number = high >= 0 && low >= 0 ? high * 65_536 + low : -1;
    }
    return number >= 0 ? Long.toString(number) : null;
  }

  private static @Nullable String integer(String value) {
    boolean negative = value.charAt(0) == '-';
    int start = negative ? 1 : 0;
    // Accumulates negatively, so that Long.MIN_VALUE parses too.
    long result = 0;
    int digits = 0;
    for (int i = start; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isDigit(c)) {
        return null;
      }
      int digit = c - '0';
      if (result < (Long.MIN_VALUE + digit) / 10) {
        return null;
      }
      result = result * 10 - digit;
      digits++;
    }
    if (digits == 0 || (!negative && result == Long.MIN_VALUE)) {
      return null;
    }
    return Long.toString(negative ? result : -result);
  }

  /** The decimal number in {@code value[start, end)} if it is at most {@code max}, else -1. */
  private static long unsigned(String value, int start, int end, long max) {
    if (start >= end) {
      return -1;
    }
    long result = 0;
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      result = result * 10 + (c - '0');
      if (result > max) {
        return -1;
      }
    }
    return result;
  }

  // Names.

  private static @Nullable String host(String value, boolean lowerCase) {
    int end = value.endsWith(".") ? value.length() - 1 : value.length();
    if (end == 0 || end > MAX_HOST_LENGTH) {
      return null;
    }

    int labels = 0;
    int labelStart = 0;
    for (int i = 0; i <= end; i++) {
      if (i < end && value.charAt(i) != '.') {
        continue;
      }
      boolean last = i == end;
      if (!isLabel(value, labelStart, i, last)) {
        return null;
      }
      labels++;
      labelStart = i + 1;
    }
    if (labels < 2) {
      return null;
    }
    return ascii(value.substring(0, end), lowerCase);
  }

  /**
   * Whether {@code value[start, end)} is a host name label; the last label (the top-level domain)
   * has no underscore, at least two characters and at least one character that is not a digit.
   */
  private static boolean isLabel(String value, int start, int end, boolean last) {
    int length = end - start;
    if (length < (last ? 2 : 1)
        || length > MAX_LABEL_LENGTH
        || value.charAt(start) == '-'
        || value.charAt(end - 1) == '-') {
      return false;
    }
    boolean allDigits = true;
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!letter && !isDigit(c) && c != '-' && (last || c != '_')) {
        return false;
      }
      allDigits &= isDigit(c);
    }
    return !(last && allDigits);
  }

  // Hashes.

  private static boolean tlsh(String value) {
    int start = value.charAt(0) == 't' || value.charAt(0) == 'T' ? 1 : 0;
    return value.length() - start >= 35 && isHex(value, start);
  }

  private static boolean telfhash(String value) {
    if (value.length() == 72 && value.regionMatches(true, 0, "t1", 0, 2)) {
      return isHex(value, 2);
    }
    return (value.length() == 70 || value.length() == 72) && isHex(value, 0);
  }

  /** Whether {@code value} is {@code blocksize:hash:hash}, the hashes in base64 characters. */
  private static boolean fuzzy(String value) {
    int first = value.indexOf(':');
    int second = first < 0 ? -1 : value.indexOf(':', first + 1);
    if (second < 0 || value.indexOf(':', second + 1) >= 0) {
      return false;
    }
    if (unsignedDigits(value, 0, first) == 0) {
      return false;
    }
    for (int i = first + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean base64 =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || isDigit(c)
              || c == '+'
              || c == '/'
              || c == ':';
      if (!base64) {
        return false;
      }
    }
    return true;
  }

  private static int unsignedDigits(String value, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!isDigit(value.charAt(i))) {
        return 0;
      }
    }
    return end - start;
  }

  private static boolean isHex(String value, int start) {
    for (int i = start; i < value.length(); i++) {
      if (hexDigit(value.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The value of the ASCII hex digit {@code c}, or -1 when it is none. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  // Text.

  private static @Nullable String text(String value, boolean lowerCase) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isControl(c)) {
        return null;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return null;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return null;
      }
    }
    return lowerCase ? value.toLowerCase(Locale.ROOT) : value;
  }

  /** {@code value}, known to be ASCII, in lower case when asked. */
  private static String ascii(String value, boolean lowerCase) {
    return lowerCase ? value.toLowerCase(Locale.ROOT) : value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
