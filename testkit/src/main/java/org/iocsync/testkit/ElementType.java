package org.iocsync.testkit;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The element types of QRadar reference sets, and what each accepts. */
enum ElementType {
  ALN,
  ALNIC,
  IP,
  NUM,
  PORT,
  DATE,
  CIDR;

  static @Nullable ElementType parse(@Nullable String name) {
    if (name == null) {
      return null;
    }
    for (ElementType type : values()) {
      if (type.name().equals(name)) {
        return type;
      }
    }
    return null;
  }

  /** Whether QRadar stores {@code value} in a set of this type. */
  boolean accepts(String value) {
    if (value.isEmpty()) {
      return false;
    }
    return switch (this) {
      case ALN, ALNIC -> !value.isBlank();
      case IP -> isIpv4(value) || isIpv6(value);
      case NUM -> value.matches("-?\\d{1,18}(\\.\\d+)?");
      case PORT -> value.matches("\\d{1,5}") && Integer.parseInt(value) <= 65535;
      case DATE -> value.matches("-?\\d{1,18}");
      case CIDR -> isCidr(value);
    };
  }

  /** The form the value is stored and compared in: ALNIC ignores case. */
  String normalize(String value) {
    return this == ALNIC ? value.toLowerCase(Locale.ROOT) : value;
  }

  /** What {@link #accepts} wants, for error messages. */
  String describe() {
    return switch (this) {
      case ALN -> "alphanumeric text";
      case ALNIC -> "alphanumeric text (case ignored)";
      case IP -> "an IPv4 or IPv6 address";
      case NUM -> "a number";
      case PORT -> "a port number from 0 to 65535";
      case DATE -> "milliseconds since the Unix epoch";
      case CIDR -> "a CIDR range";
    };
  }

  static boolean isIpv4(String value) {
    String[] parts = value.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 text forms, with an embedded IPv4 address allowed at the end; no zone id. */
  static boolean isIpv6(String value) {
    if (value.length() < 2 || value.length() > 45 || value.indexOf('%') >= 0) {
      return false;
    }
    int gap = value.indexOf("::");
    if (gap >= 0 && value.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    String head = gap >= 0 ? value.substring(0, gap) : value;
    String tail = gap >= 0 ? value.substring(gap + 2) : "";
    String[] parts = {head, tail};
    int lastPart = tail.isEmpty() ? 0 : 1;
    int groups = 0;
    for (int p = 0; p < parts.length; p++) {
      if (parts[p].isEmpty()) {
        continue;
      }
      String[] pieces = parts[p].split(":", -1);
      for (int i = 0; i < pieces.length; i++) {
        String piece = pieces[i];
        boolean last = p == lastPart && i == pieces.length - 1 && !value.endsWith(":");
        if (last && piece.indexOf('.') >= 0) {
          if (!isIpv4(piece)) {
            return false;
          }
          groups += 2;
        } else if (piece.matches("[0-9a-fA-F]{1,4}")) {
          groups++;
        } else {
          return false;
        }
      }
    }
    return gap >= 0 ? groups <= 7 : groups == 8;
  }

  private static boolean isCidr(String value) {
    int slash = value.indexOf('/');
    if (slash < 0 || !value.substring(slash + 1).matches("\\d{1,3}")) {
      return false;
    }
    String address = value.substring(0, slash);
    int bits = Integer.parseInt(value.substring(slash + 1));
    return (isIpv4(address) && bits <= 32) || (isIpv6(address) && bits <= 128);
  }
}
