package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/** Properties of {@link ValueMapper} that hold for any input, checked on generated values. */
final class ValueMapperPropertiesTest {
  private static final List<String> TYPES = List.copyOf(MispTypes.builtIn());

  @Property(tries = 3000)
  void anyInputYieldsAValueOrAReasonWithinTheMaximumLength(
      @ForAll("types") String type,
      @ForAll("anyText") String value,
      @ForAll ElementType elementType,
      @ForAll @IntRange(min = 1, max = 300) int maxLength) {
    MappingResult result = ValueMapper.map(type, value, elementType, maxLength);

    if (result.isSkipped()) {
      assertThat(result.reason())
          .isIn(SkipReason.TYPE_MISMATCH, SkipReason.INVALID_VALUE, SkipReason.TOO_LONG);
    } else {
      assertThat(result.value()).isNotEmpty();
      assertThat(result.value().codePointCount(0, result.value().length()))
          .isLessThanOrEqualTo(maxLength);
    }
  }

  @Property(tries = 3000)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void normalisingTwiceEqualsNormalisingOnce(
      @ForAll("types") String type,
      @ForAll("plausibleValues") String value,
      @ForAll ElementType elementType) {
    MappingResult once = ValueMapper.map(type, value, elementType, 4096);
    Statistics.label("mapped").collect(!once.isSkipped());
    Statistics.label("mapped").coverage(coverage -> coverage.check(true).percentage(p -> p >= 10));
    if (once.isSkipped()) {
      return;
    }

    String partType = MispTypes.componentType(type, elementType).orElseThrow();
    MappingResult twice = ValueMapper.map(partType, once.value(), elementType, 4096);

    assertThat(twice).isEqualTo(once);
  }

  @Property(tries = 2000)
  void writesEveryFormOfAnIpv6AddressInItsOneCanonicalForm(
      @ForAll @Size(8) List<@IntRange(min = 0, max = 0xffff) Integer> groups,
      @ForAll("zeroRuns") int zeroRunStart,
      @ForAll @IntRange(min = 0, max = 7) int zeroRunLength,
      @ForAll("ipv6Forms") Ipv6Form form,
      @ForAll boolean withPrefix) {
    int[] address = withZeroRun(groups, zeroRunStart, zeroRunLength);
    String text = form.write(address) + (withPrefix ? "/128" : "");

    MappingResult result = ValueMapper.map("ip-dst", text, ElementType.IP, 64);

    if (isIpv4Mapped(address)) {
      assertThat(result).isEqualTo(MappingResult.skipped(SkipReason.INVALID_VALUE));
    } else {
      assertThat(result).isEqualTo(MappingResult.mapped(canonical(address)));
    }
  }

  @Property(tries = 1000)
  void acceptsIpv4InDottedQuadsOnly(
      @ForAll @Size(4) List<@IntRange(min = 0, max = 300) Integer> octets,
      @ForAll boolean withLeadingZero,
      @ForAll boolean withPrefix) {
    StringJoiner text = new StringJoiner(".");
    for (int octet : octets) {
      text.add((withLeadingZero ? "0" : "") + octet);
    }
    String value = text + (withPrefix ? "/32" : "");

    MappingResult result = ValueMapper.map("ip-src", value, ElementType.IP, 64);

    boolean valid = !withLeadingZero && octets.stream().allMatch(octet -> octet <= 255);
    if (valid) {
      assertThat(result).isEqualTo(MappingResult.mapped(text.toString()));
    } else {
      assertThat(result).isEqualTo(MappingResult.skipped(SkipReason.INVALID_VALUE));
    }
  }

  @Property(tries = 2000)
  void returnsOnlyStrictAddressesPortsAndNumbers(
      @ForAll("types") String type, @ForAll("plausibleValues") String value) {
    MappingResult address = ValueMapper.map(type, value, ElementType.IP, 64);
    MappingResult port = ValueMapper.map(type, value, ElementType.PORT, 64);
    MappingResult number = ValueMapper.map(type, value, ElementType.NUM, 64);

    if (!address.isSkipped()) {
      assertThat(isStrictAddress(address.value())).as(address.value()).isTrue();
    }
    if (!port.isSkipped()) {
      assertThat(Integer.parseInt(port.value())).isBetween(0, 65535);
      assertThat(Integer.toString(Integer.parseInt(port.value()))).isEqualTo(port.value());
    }
    if (!number.isSkipped()) {
      assertThat(Long.toString(Long.parseLong(number.value()))).isEqualTo(number.value());
    }
  }

  @Provide
  Arbitrary<String> types() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of(TYPES)), Tuple.of(1, Arbitraries.strings().ofMaxLength(20)));
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(400),
        Arbitraries.strings().withChars("0123456789abcdefABCDEF.:/|% -_\t\n").ofMaxLength(80),
        plausibleValues());
  }

  /** Values shaped like real indicators, so that many of them map, in odd forms and cases. */
  @Provide
  Arbitrary<String> plausibleValues() {
    Arbitrary<String> ipv4 =
        Arbitraries.integers()
            .between(0, 255)
            .list()
            .ofSize(4)
            .map(octets -> String.join(".", octets.stream().map(String::valueOf).toList()));
    Arbitrary<String> ipv6 =
        Combinators.combine(
                Arbitraries.integers().between(0, 0xffff).list().ofSize(8),
                zeroRuns(),
                Arbitraries.integers().between(0, 7),
                ipv6Forms())
            .as((groups, start, length, form) -> form.write(withZeroRun(groups, start, length)));
    Arbitrary<String> address =
        Combinators.combine(
                Arbitraries.oneOf(ipv4, ipv6), Arbitraries.of("", "/32", "/128", "/24", "/64"))
            .as((a, prefix) -> a + prefix);
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
            .ofMinLength(1)
            .ofMaxLength(70);
    Arbitrary<String> host =
        Combinators.combine(label.list().ofMinSize(1).ofMaxSize(5), Arbitraries.of("", "."))
            .as((labels, dot) -> String.join(".", labels) + dot);
    Arbitrary<String> hex =
        Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(30).ofMaxLength(130);
    Arbitrary<String> number =
        Combinators.combine(
                Arbitraries.of("", "AS", "as", "-", "0"),
                Arbitraries.longs().between(0, Long.MAX_VALUE))
            .as((prefix, n) -> prefix + n);
    Arbitrary<String> fuzzy =
        Combinators.combine(Arbitraries.integers().between(0, 99999), hex, hex)
            .as((size, a, b) -> size + ":" + a + ":" + b);
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(60);
    Arbitrary<String> part =
        Arbitraries.oneOf(address, host, hex, number, fuzzy, text, Arbitraries.strings().numeric());
    Arbitrary<String> pair =
        Combinators.combine(part, part).as((left, right) -> left + "|" + right);
    Arbitrary<String> padded =
        Combinators.combine(Arbitraries.of("", " ", "\t", "\u00a0"), part, Arbitraries.of("", " "))
            .as((before, p, after) -> before + p + after);
    return Arbitraries.oneOf(part, pair, padded);
  }

  @Provide
  Arbitrary<Integer> zeroRuns() {
    return Arbitraries.integers().between(0, 7);
  }

  @Provide
  Arbitrary<Ipv6Form> ipv6Forms() {
    return Arbitraries.of(Ipv6Form.values());
  }

  /** Ways of writing one IPv6 address that RFC 4291 allows. */
  enum Ipv6Form {
    FULL {
      @Override
      String write(int[] groups) {
        StringJoiner text = new StringJoiner(":");
        for (int group : groups) {
          text.add(String.format("%04X", group));
        }
        return text.toString();
      }
    },
    SHORT_UPPER_CASE {
      @Override
      String write(int[] groups) {
        StringJoiner text = new StringJoiner(":");
        for (int group : groups) {
          text.add(Integer.toHexString(group).toUpperCase(Locale.ROOT));
        }
        return text.toString();
      }
    },
    /** The first run of zero groups compressed, whether or not it is the longest. */
    FIRST_RUN_COMPRESSED {
      @Override
      String write(int[] groups) {
        int start = -1;
        for (int k = 0; k < 8; k++) {
          if (groups[k] == 0) {
            start = k;
            break;
          }
        }
        if (start < 0) {
          return SHORT_UPPER_CASE.write(groups);
        }
        int end = start;
        while (end < 8 && groups[end] == 0) {
          end++;
        }
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (int k = 0; k < start; k++) {
          before.add(Integer.toHexString(groups[k]));
        }
        for (int k = end; k < 8; k++) {
          after.add(Integer.toHexString(groups[k]));
        }
        return String.join(":", before) + "::" + String.join(":", after);
      }
    },
    /** The last 32 bits as a dotted quad, as in {@code 64:ff9b::192.0.2.1}. */
    EMBEDDED_IPV4 {
      @Override
      String write(int[] groups) {
        StringJoiner text = new StringJoiner(":");
        for (int k = 0; k < 6; k++) {
          text.add(Integer.toHexString(groups[k]));
        }
        return text
            + ":"
            + (groups[6] >> 8)
            + "."
            + (groups[6] & 0xff)
            + "."
            + (groups[7] >> 8)
            + "."
            + (groups[7] & 0xff);
      }
    };

    abstract String write(int[] groups);
  }

  private static int[] withZeroRun(List<Integer> groups, int start, int length) {
    int[] address = new int[8];
    for (int k = 0; k < 8; k++) {
      address[k] = k >= start && k < start + length ? 0 : groups.get(k);
    }
    return address;
  }

  private static boolean isIpv4Mapped(int[] groups) {
    for (int k = 0; k < 5; k++) {
      if (groups[k] != 0) {
        return false;
      }
    }
    return groups[5] == 0xffff;
  }

  /**
   * RFC 5952's form of {@code groups}, computed another way than the mapper does: the longest run
   * of zero groups is found as the first longest ":0:0...:" substring of the full form.
   */
  private static String canonical(int[] groups) {
    StringBuilder full = new StringBuilder(":");
    for (int group : groups) {
      full.append(Integer.toHexString(group)).append(':');
    }
    String text = full.toString();
    for (int run = 8; run >= 2; run--) {
      String zeros = ":" + "0:".repeat(run);
      int at = text.indexOf(zeros);
      if (at >= 0) {
        text = text.substring(0, at) + "::" + text.substring(at + zeros.length());
        break;
      }
    }
    if (!text.startsWith("::")) {
      text = text.substring(1);
    }
    if (!text.endsWith("::")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  /**
   * Whether {@code text} is an address as the mapper promises to write them: a dotted quad of
   * decimal octets without leading zeros, or lower-case IPv6 in RFC 5952 form.
   */
  private static boolean isStrictAddress(String text) {
    if (text.indexOf(':') < 0) {
      String[] octets = text.split("\\.", -1);
      if (octets.length != 4) {
        return false;
      }
      for (String octet : octets) {
        if (!octet.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!text.matches("[0-9a-f:]+")) {
      return false;
    }
    int gap = text.indexOf("::");
    String[] halves =
        gap < 0
            ? new String[] {text}
            : new String[] {text.substring(0, gap), text.substring(gap + 2)};
    List<Integer> groups = new ArrayList<>();
    List<Integer> gapAt = new ArrayList<>();
    for (int half = 0; half < halves.length; half++) {
      if (half == 1) {
        gapAt.add(groups.size());
      }
      if (halves[half].isEmpty()) {
        continue;
      }
      for (String group : halves[half].split(":", -1)) {
        if (!group.matches("0|[1-9a-f][0-9a-f]{0,3}")) {
          return false;
        }
        groups.add(Integer.parseInt(group, 16));
      }
    }
    if (gap < 0 ? groups.size() != 8 : groups.size() > 6) {
      return false;
    }
    int[] address = new int[8];
    int missing = 8 - groups.size();
    int k = 0;
    for (int i = 0; i < groups.size(); i++) {
      if (!gapAt.isEmpty() && i == gapAt.get(0)) {
        k += missing;
      }
      address[k++] = groups.get(i);
    }
    return !isIpv4Mapped(address) && canonical(address).equals(text);
  }
}
