package org.iocsync.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Built-in knowledge of MISP's attribute types: the types a MISP 2.5 server describes, which of
 * them are hashes (and how long their hex digests are), how composite types such as {@code
 * domain|ip} split, and which part of a value each type yields for each reference set element type.
 *
 * <p>The rules, following the project's mapping table:
 *
 * <ul>
 *   <li>IP sets take the address of {@code ip-src}, {@code ip-dst}, {@code ip-src|port}, {@code
 *       ip-dst|port} and {@code domain|ip}.
 *   <li>PORT sets take the port of {@code ip-src|port}, {@code ip-dst|port} and {@code
 *       hostname|port}, and the value of {@code port}.
 *   <li>NUM sets take the number of {@code AS} (without its {@code AS} prefix) and the value of the
 *       integer types {@code integer}, {@code counter} and {@code size-in-bytes}.
 *   <li>ALNIC and ALN sets take every type: the address of an address type, the name of {@code
 *       domain|ip} and {@code hostname|port}, the hash of {@code filename|<hash>}, and the whole
 *       value of every other type, composite ones such as {@code regkey|value} included. A type
 *       this class does not know counts as such a plain type.
 * </ul>
 */
final class MispTypes {
  /** What a value, or one side of a composite value, must look like. */
  enum Kind {
    /** An IPv4 or IPv6 address. */
    ADDRESS,
    /** A port number from 0 to 65535. */
    PORT,
    /** A DNS host name. */
    HOST,
    /** An autonomous system number, with or without its {@code AS} prefix. */
    AS_NUMBER,
    /** A whole number that fits in 64 bits. */
    INTEGER,
    /** Hex digits, exactly {@link Rule#hexLength()} of them. */
    HEX,
    /** A TLSH digest: at least 35 hex digits, optionally after a {@code t}. */
    TLSH,
    /** A telfhash digest: 70 or 72 characters of hex, optionally after a {@code t1}. */
    TELFHASH,
    /** A fuzzy hash ({@code ssdeep}, {@code impfuzzy}): {@code blocksize:hash:hash}. */
    FUZZY,
    /** A code directory hash: 40 or more hex digits. */
    CDHASH,
    /** Any single-line text. */
    TEXT
  }

  /** Which part of an attribute's value a rule takes. */
  enum Part {
    /** The whole value. */
    WHOLE,
    /** The part before the last {@code |} of a composite value. */
    LEFT,
    /** The part after the last {@code |} of a composite value. */
    RIGHT
  }

  /**
   * How the value of one MISP type becomes a value of one element type.
   *
   * @param part the part of the value taken
   * @param kind what that part must look like
   * @param hexLength the number of hex digits when {@code kind} is {@link Kind#HEX}, else 0
   */
  record Rule(Part part, Kind kind, int hexLength) {}

  /** One side of a type: its own MISP type name and what its values look like. */
  private record Component(String type, Kind kind, int hexLength) {}

  /** Every type of MISP 2.5's {@code /attributes/describeTypes}, in the server's order. */
  private static final List<String> BUILT_IN =
      List.of(
          "md5",
          "sha1",
          "sha256",
          "filename",
          "pdb",
          "filename|md5",
          "filename|sha1",
          "filename|sha256",
          "ip-src",
          "ip-dst",
          "hostname",
          "domain",
          "domain|ip",
          "email",
          "email-src",
          "eppn",
          "email-dst",
          "email-subject",
          "email-attachment",
          "email-body",
          "float",
          "git-commit-id",
          "url",
          "http-method",
          "user-agent",
          "ja3-fingerprint-md5",
          "jarm-fingerprint",
          "favicon-mmh3",
          "hassh-md5",
          "hasshserver-md5",
          "regkey",
          "regkey|value",
          "AS",
          "snort",
          "suricata",
          "bro",
          "zeek",
          "community-id",
          "dom-hash",
          "pattern-in-file",
          "pattern-in-traffic",
          "pattern-in-memory",
          "filename-pattern",
          "pgp-public-key",
          "pgp-private-key",
          "ssh-fingerprint",
          "yara",
          "stix2-pattern",
          "sigma",
          "gene",
          "kusto-query",
          "mime-type",
          "identity-card-number",
          "cookie",
          "vulnerability",
          "cpe",
          "weakness",
          "attachment",
          "malware-sample",
          "link",
          "comment",
          "text",
          "hex",
          "other",
          "named pipe",
          "mutex",
          "process-state",
          "target-user",
          "target-email",
          "target-machine",
          "target-org",
          "target-location",
          "target-external",
          "btc",
          "dash",
          "xmr",
          "iban",
          "bic",
          "bank-account-nr",
          "aba-rtn",
          "bin",
          "cc-number",
          "prtn",
          "phone-number",
          "threat-actor",
          "campaign-name",
          "campaign-id",
          "malware-type",
          "uri",
          "authentihash",
          "vhash",
          "ssdeep",
          "imphash",
          "telfhash",
          "pehash",
          "impfuzzy",
          "sha224",
          "sha384",
          "sha512",
          "sha512/224",
          "sha512/256",
          "sha3-224",
          "sha3-256",
          "sha3-384",
          "sha3-512",
          "tlsh",
          "cdhash",
          "filename|authentihash",
          "filename|vhash",
          "filename|ssdeep",
          "filename|imphash",
          "filename|impfuzzy",
          "filename|pehash",
          "filename|sha224",
          "filename|sha384",
          "filename|sha512",
          "filename|sha512/224",
          "filename|sha512/256",
          "filename|sha3-224",
          "filename|sha3-256",
          "filename|sha3-384",
          "filename|sha3-512",
          "filename|tlsh",
          "windows-scheduled-task",
          "windows-service-name",
          "windows-service-displayname",
          "whois-registrant-email",
          "whois-registrant-phone",
          "whois-registrant-name",
          "whois-registrant-org",
          "whois-registrar",
          "whois-creation-date",
          "x509-fingerprint-sha1",
          "x509-fingerprint-md5",
          "x509-fingerprint-sha256",
          "dns-soa-email",
          "size-in-bytes",
          "counter",
          "integer",
          "datetime",
          "port",
          "ip-dst|port",
          "ip-src|port",
          "hostname|port",
          "mac-address",
          "mac-eui-64",
          "email-dst-display-name",
          "email-src-display-name",
          "email-header",
          "email-reply-to",
          "email-x-mailer",
          "email-mime-boundary",
          "email-thread-index",
          "email-message-id",
          "github-username",
          "github-repository",
          "github-organisation",
          "jabber-id",
          "twitter-id",
          "dkim",
          "dkim-signature",
          "first-name",
          "middle-name",
          "last-name",
          "full-name",
          "date-of-birth",
          "place-of-birth",
          "gender",
          "passport-number",
          "passport-country",
          "passport-expiration",
          "redress-number",
          "nationality",
          "visa-number",
          "issue-date-of-the-visa",
          "primary-residence",
          "country-of-residence",
          "special-service-request",
          "frequent-flyer-number",
          "travel-details",
          "payment-details",
          "place-port-of-original-embarkation",
          "place-port-of-clearance",
          "place-port-of-onward-foreign-destination",
          "passenger-name-record-locator-number",
          "mobile-application-id",
          "azure-application-id",
          "chrome-extension-id",
          "edge-extension-id",
          "cortex",
          "boolean",
          "uuid",
          "anonymised",
          "onion-address");

  /** Hex digest types and the number of hex digits in their values. */
  private static final Map<String, Integer> HEX_LENGTHS =
      Map.ofEntries(
          Map.entry("md5", 32),
          Map.entry("sha1", 40),
          Map.entry("sha224", 56),
          Map.entry("sha256", 64),
          Map.entry("sha384", 96),
          Map.entry("sha512", 128),
          Map.entry("sha512/224", 56),
          Map.entry("sha512/256", 64),
          Map.entry("sha3-224", 56),
          Map.entry("sha3-256", 64),
          Map.entry("sha3-384", 96),
          Map.entry("sha3-512", 128),
          Map.entry("authentihash", 64),
          Map.entry("imphash", 32),
          Map.entry("pehash", 40),
          Map.entry("git-commit-id", 40),
          Map.entry("x509-fingerprint-md5", 32),
          Map.entry("x509-fingerprint-sha1", 40),
          Map.entry("x509-fingerprint-sha256", 64),
          Map.entry("ja3-fingerprint-md5", 32),
          Map.entry("jarm-fingerprint", 62),
          Map.entry("hassh-md5", 32),
          Map.entry("hasshserver-md5", 32),
          Map.entry("dom-hash", 32));

  /** Plain types whose values are not free text, with what they must look like. */
  private static final Map<String, Kind> PLAIN_KINDS =
      Map.ofEntries(
          Map.entry("ip-src", Kind.ADDRESS),
          Map.entry("ip-dst", Kind.ADDRESS),
          Map.entry("port", Kind.PORT),
          Map.entry("domain", Kind.HOST),
          Map.entry("hostname", Kind.HOST),
          Map.entry("AS", Kind.AS_NUMBER),
          Map.entry("integer", Kind.INTEGER),
          Map.entry("counter", Kind.INTEGER),
          Map.entry("size-in-bytes", Kind.INTEGER),
          Map.entry("tlsh", Kind.TLSH),
          Map.entry("telfhash", Kind.TELFHASH),
          Map.entry("ssdeep", Kind.FUZZY),
          Map.entry("impfuzzy", Kind.FUZZY),
          Map.entry("cdhash", Kind.CDHASH));

  /** Hash types whose values have no fixed shape, so they are checked only as text. */
  private static final Set<String> TEXT_HASHES = Set.of("vhash");

  /**
   * The sides of composite types whose names do not say their type: {@code domain|ip} holds an
   * address like {@code ip-dst}, {@code regkey|value} free text.
   */
  private static final Map<String, String> SIDE_TYPES = Map.of("ip", "ip-dst", "value", "text");

  private static final Set<String> BUILT_IN_SET =
      Collections.unmodifiableSet(new LinkedHashSet<>(BUILT_IN));

  private static final Optional<Rule> MISMATCH = Optional.empty();

  /** The rule of a type this class does not know, for text sets: the whole value, as text. */
  private static final Optional<Rule> UNKNOWN_AS_TEXT =
      Optional.of(new Rule(Part.WHOLE, Kind.TEXT, 0));

  /** The rules of each known type, by element type; an absent rule is a type mismatch. */
  private static final Map<String, Map<ElementType, Optional<Rule>>> RULES = new HashMap<>();

  static {
    for (String type : BUILT_IN) {
      RULES.put(type, rulesOf(type));
    }
  }

  private MispTypes() {}

  /** The names of the types MISP 2.5 describes, in the server's order. */
  static Set<String> builtIn() {
    return BUILT_IN_SET;
  }

  /** Whether {@code type} is one of the types MISP 2.5 describes. */
  static boolean isBuiltIn(String type) {
    return BUILT_IN_SET.contains(type);
  }

  /** Whether {@code type} holds two values joined by {@code |}, such as {@code domain|ip}. */
  static boolean isComposite(String type) {
    return type.indexOf('|') >= 0;
  }

  /** Whether values of {@code type} are digests, such as {@code sha256} or {@code ssdeep}. */
  static boolean isHash(String type) {
    return HEX_LENGTHS.containsKey(type)
        || TEXT_HASHES.contains(type)
        || switch (PLAIN_KINDS.getOrDefault(type, Kind.TEXT)) {
          case TLSH, TELFHASH, FUZZY, CDHASH -> true;
          default -> false;
        };
  }

  /** The number of hex digits in a value of {@code type}, for fixed-length hex digests. */
  static OptionalInt hexLength(String type) {
    Integer length = HEX_LENGTHS.get(type);
    return length != null ? OptionalInt.of(length) : OptionalInt.empty();
  }

  /**
   * How a value of {@code type} becomes a value of a set of {@code elementType}, or empty when such
   * a type never yields one. Allocation-free: the mapper calls it for every attribute.
   */
  static Optional<Rule> rule(String type, ElementType elementType) {
    Map<ElementType, Optional<Rule>> rules = RULES.get(type);
    if (rules != null) {
      return rules.get(elementType);
    }
    return switch (elementType) {
      case ALNIC, ALN -> UNKNOWN_AS_TEXT;
      case IP, PORT, NUM -> MISMATCH;
    };
  }

  /** Whether a value of {@code type} can ever yield a value for a set of {@code elementType}. */
  static boolean canYield(String type, ElementType elementType) {
    return rule(type, elementType).isPresent();
  }

  /**
   * The MISP type of the part of a {@code type} value that a set of {@code elementType} takes:
   * {@code ip-dst} for the address of {@code domain|ip}, {@code md5} for the hash of {@code
   * filename|md5}, {@code type} itself when the whole value is taken. Empty when the type never
   * yields a value for the element type.
   */
  static Optional<String> componentType(String type, ElementType elementType) {
    return rule(type, elementType)
        .map(
            rule ->
                switch (rule.part()) {
                  case WHOLE -> type;
                  case LEFT -> sideType(type.substring(0, type.indexOf('|')));
                  case RIGHT -> sideType(type.substring(type.indexOf('|') + 1));
                });
  }

  /** The types among {@code types} that can yield a value for {@code elementType}, in order. */
  static List<String> yielding(Iterable<String> types, ElementType elementType) {
    List<String> result = new ArrayList<>();
    for (String type : types) {
      if (canYield(type, elementType)) {
        result.add(type);
      }
    }
    return List.copyOf(result);
  }

  private static Map<ElementType, Optional<Rule>> rulesOf(String type) {
    Map<ElementType, Optional<Rule>> rules = new EnumMap<>(ElementType.class);
    int bar = type.indexOf('|');
    for (ElementType elementType : ElementType.values()) {
      if (bar < 0) {
        rules.put(elementType, plainRule(component(type), elementType));
      } else {
        Component left = component(sideType(type.substring(0, bar)));
        Component right = component(sideType(type.substring(bar + 1)));
        rules.put(elementType, compositeRule(left, right, elementType));
      }
    }
    return rules;
  }

  private static String sideType(String side) {
    return SIDE_TYPES.getOrDefault(side, side);
  }

  private static Component component(String type) {
    Integer hexLength = HEX_LENGTHS.get(type);
    if (hexLength != null) {
      return new Component(type, Kind.HEX, hexLength);
    }
    return new Component(type, PLAIN_KINDS.getOrDefault(type, Kind.TEXT), 0);
  }

  private static Optional<Rule> plainRule(Component component, ElementType elementType) {
    return Optional.ofNullable(sideRule(Part.WHOLE, component, elementType));
  }

  private static Optional<Rule> compositeRule(
      Component left, Component right, ElementType elementType) {
    switch (elementType) {
      case IP, PORT, NUM -> {
        Rule fromLeft = sideRule(Part.LEFT, left, elementType);
        return Optional.ofNullable(
            fromLeft != null ? fromLeft : sideRule(Part.RIGHT, right, elementType));
      }
      default -> {
        // Text sets take the indicator of a composite: the address or name of a network pair, the
        // hash of a file pair; a pair of anything else stays whole.
        if (isHash(right.type())) {
          return Optional.ofNullable(sideRule(Part.RIGHT, right, elementType));
        }
        if (left.kind() == Kind.ADDRESS || left.kind() == Kind.HOST) {
          return Optional.ofNullable(sideRule(Part.LEFT, left, elementType));
        }
        return Optional.of(new Rule(Part.WHOLE, Kind.TEXT, 0));
      }
    }
  }

  /** The rule taking {@code part}, a value of {@code component}, into {@code elementType}. */
  private static @Nullable Rule sideRule(Part part, Component component, ElementType elementType) {
    Kind kind = component.kind();
    boolean yields =
        switch (elementType) {
          case IP -> kind == Kind.ADDRESS;
          case PORT -> kind == Kind.PORT;
          case NUM -> kind == Kind.AS_NUMBER || kind == Kind.INTEGER;
          case ALNIC, ALN -> true;
        };
    if (!yields) {
      return null;
    }
    boolean textSet = elementType == ElementType.ALNIC || elementType == ElementType.ALN;
    // In a text set a port or a number is only text; addresses, names and hashes keep their checks.
    Kind checked =
        textSet && (kind == Kind.PORT || kind == Kind.AS_NUMBER || kind == Kind.INTEGER)
            ? Kind.TEXT
            : kind;
    return new Rule(part, checked, component.hexLength());
  }
}
