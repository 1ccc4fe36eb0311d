package org.iocsync.testkit;

import java.util.Locale;

/**
 * Random-looking version 4 UUIDs derived from ids, and back: the last twelve hex digits are an
 * invertible scramble of the id, the rest a hash of it.
 */
final class Uuids {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();
  private static final long MASK_48 = (1L << 48) - 1;
  private static final long MULTIPLIER = 0x5DEECE66DL;
  private static final long INVERSE = inverse(MULTIPLIER);
  private static final long ATTRIBUTE_SALT = 0x3A7B_1C2D_9E4FL;
  private static final long EVENT_SALT = 0x6E01_5C3A_2B9DL;

  private Uuids() {}

  static String attribute(long id) {
    return derive(id, ATTRIBUTE_SALT);
  }

  static String event(long id) {
    return derive(id, EVENT_SALT);
  }

  /** The id {@link #attribute} made {@code uuid} from, or -1 when it did not make it. */
  static long attributeId(String uuid) {
    if (uuid.length() != 36) {
      return -1;
    }
    long scrambled;
    try {
      scrambled = Long.parseLong(uuid.substring(24), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
    long id = ((scrambled ^ (ATTRIBUTE_SALT & MASK_48)) * INVERSE) & MASK_48;
    return id > 0 && attribute(id).equals(uuid.toLowerCase(Locale.ROOT)) ? id : -1;
  }

  private static String derive(long id, long salt) {
    long hash = SeedData.mixBijective(id ^ (salt << 16));
    long more = SeedData.mixBijective(hash);
    long scrambled = ((id * MULTIPLIER) & MASK_48) ^ (salt & MASK_48);
    char[] out = new char[36];
    hex(out, 0, hash >>> 32, 8);
    out[8] = '-';
    hex(out, 9, (hash >>> 16) & 0xFFFF, 4);
    out[13] = '-';
    hex(out, 14, 0x4000 | (hash & 0x0FFF), 4);
    out[18] = '-';
    hex(out, 19, 0x8000 | (more & 0x3FFF), 4);
    out[23] = '-';
    hex(out, 24, scrambled, 12);
    return new String(out);
  }

  private static void hex(char[] out, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = DIGITS[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  /** The inverse of an odd number modulo 2^64, by Newton's iteration. */
  private static long inverse(long odd) {
    long inverse = odd;
    for (int i = 0; i < 6; i++) {
      inverse *= 2 - odd * inverse;
    }
    return inverse;
  }
}
