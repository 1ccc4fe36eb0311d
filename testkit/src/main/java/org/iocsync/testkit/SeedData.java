package org.iocsync.testkit;

/**
 * Deterministic, realistic-looking indicator values computed from a seed and an attribute's
 * position, so that a million seeded attributes need no stored strings.
 *
 * <p>Values of one type never repeat for different positions: each is built on a bijection of the
 * position (an odd multiplier modulo a power of two, or an affine map modulo the size of a range).
 */
final class SeedData {
  /** The types seeded, each with its share in percent. */
  static final String[] TYPES = {
    "ip-dst",
    "ip-src",
    "domain",
    "hostname",
    "url",
    "md5",
    "sha1",
    "sha256",
    "email-src",
    "filename|md5",
    "ip-dst|port",
    "domain|ip",
    "AS"
  };

  private static final int[] WEIGHTS = {20, 10, 15, 5, 12, 8, 5, 10, 3, 3, 4, 3, 2};
  private static final int[] TYPE_BY_PERCENT = new int[100];

  static {
    int at = 0;
    for (int type = 0; type < WEIGHTS.length; type++) {
      for (int i = 0; i < WEIGHTS[type]; i++) {
        TYPE_BY_PERCENT[at++] = type;
      }
    }
  }

  private static final String[] WORDS = {
    "secure", "login", "update", "account", "verify", "portal", "mail", "cdn", "support", "billing",
    "cloud", "office", "auth", "invoice", "docs", "service"
  };
  private static final String[] TLDS = {"com", "net", "org", "info", "xyz", "top", "biz", "online"};
  private static final String[] HOSTS = {"mail", "vpn", "cdn", "api", "ftp", "ns1", "update", "c2"};
  private static final String[] FILES = {"invoice", "report", "setup", "scan", "payment", "photo"};
  private static final String[] EXTENSIONS = {"exe", "dll", "js", "docm", "xlsm", "scr", "zip"};
  private static final int[] PORTS = {443, 8080, 4444, 8443, 1337, 53, 80, 22, 3389, 445};

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final long IPV4_BASE = 0x0B000000L;
  private static final long IPV4_RANGE = 0xDF000000L - IPV4_BASE;
  private static final long IPV4_MULTIPLIER = 2_654_435_761L;
  private static final long MASK_40 = (1L << 40) - 1;

  private SeedData() {}

  /** The seeded type (an index into {@link #TYPES}) of position {@code index}. */
  static int typeOf(long seed, int index) {
    return TYPE_BY_PERCENT[(int) Long.remainderUnsigned(mix(seed ^ 0x7E57L, index), 100)];
  }

  /** The seeded value of position {@code index} for seeded type {@code type}. */
  static String value(int type, long seed, int index) {
    return switch (TYPES[type]) {
      case "ip-dst", "ip-src" -> index % 10 == 9 ? ipv6(seed, index) : ipv4(seed, index);
      case "domain" -> domain(seed, index);
      case "hostname" -> HOSTS[pick(seed, index, 1, HOSTS.length)] + "." + domain(seed, index);
      case "url" ->
          "http://"
              + domain(seed, index)
              + "/"
              + WORDS[pick(seed, index, 2, WORDS.length)]
              + ".php?id="
              + pick(seed, index, 3, 100_000);
      case "md5" -> hex(seed, index, 32);
      case "sha1" -> hex(seed, index, 40);
      case "sha256" -> hex(seed, index, 64);
      case "email-src" -> WORDS[pick(seed, index, 4, WORDS.length)] + "@" + domain(seed, index);
      case "filename|md5" ->
          FILES[pick(seed, index, 5, FILES.length)]
              + "_"
              + Integer.toString(index, 36)
              + "."
              + EXTENSIONS[pick(seed, index, 6, EXTENSIONS.length)]
              + "|"
              + hex(seed, index, 32);
      case "ip-dst|port" -> ipv4(seed, index) + "|" + PORTS[pick(seed, index, 7, PORTS.length)];
      case "domain|ip" -> domain(seed, index) + "|" + ipv4(seed, index);
      case "AS" -> "AS" + (1000 + index);
      default -> throw new AssertionError(TYPES[type]);
    };
  }

  /** A public-looking IPv4 address from 11.0.0.0 up to 222.255.255.255, unique per index. */
  static String ipv4(long seed, int index) {
    long offset = Math.floorMod(mix(seed, 11), IPV4_RANGE);
    long address = IPV4_BASE + Math.floorMod(IPV4_MULTIPLIER * index + offset, IPV4_RANGE);
    return (address >>> 24)
        + "."
        + ((address >>> 16) & 0xFF)
        + "."
        + ((address >>> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }

  /** An IPv6 address in RFC 5952 canonical form (no zero groups), unique per index. */
  static String ipv6(long seed, int index) {
    long bits = permute40(seed, index);
    long more = mix(seed ^ 0x6L, index);
    StringBuilder out = new StringBuilder("2a0").append(Long.toHexString(1 + (more & 0x7)));
    for (int group = 0; group < 7; group++) {
      long part = group < 4 ? (bits >>> (group * 10)) & 0x3FF : (more >>> (group * 12)) & 0xFFF;
      out.append(':').append(Long.toHexString(0x1000 + part));
    }
    return out.toString();
  }

  private static String domain(long seed, int index) {
    return WORDS[pick(seed, index, 8, WORDS.length)]
        + "-"
        + Long.toString(permute40(seed, index), 36)
        + "."
        + TLDS[pick(seed, index, 9, TLDS.length)];
  }

  /** Hex digits whose first 16 are a bijection of the index. */
  private static String hex(long seed, int index, int digits) {
    char[] out = new char[digits];
    int at = 0;
    for (int word = 0; at < digits; word++) {
      long bits = word == 0 ? mixBijective(seed + index) : mix(seed ^ (word * 0x9E37L), index);
      for (int i = 0; i < 16 && at < digits; i++) {
        out[at++] = HEX[(int) (bits >>> 60)];
        bits <<= 4;
      }
    }
    return new String(out);
  }

  private static long permute40(long seed, int index) {
    return (index * 0x9E3779B97L + mix(seed, 40)) & MASK_40;
  }

  private static int pick(long seed, int index, int salt, int bound) {
    return (int) Long.remainderUnsigned(mix(seed ^ salt, index), bound);
  }

  static long mix(long seed, long value) {
    return mixBijective(seed * 0x9E3779B97F4A7C15L + value);
  }

  /** SplitMix64's finalizer: a bijection on 64 bits. */
  static long mixBijective(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
