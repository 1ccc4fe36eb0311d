package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.core.ElementType.ALN;
import static org.iocsync.core.ElementType.ALNIC;
import static org.iocsync.core.ElementType.IP;
import static org.iocsync.core.ElementType.NUM;
import static org.iocsync.core.ElementType.PORT;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class ValueMapperTest {
  private static final int MAX = 255;

  private static MappingResult map(String type, String value, ElementType elementType) {
    return ValueMapper.map(type, value, elementType, MAX);
  }

  private static MappingResult value(String value) {
    return MappingResult.mapped(value);
  }

  private static MappingResult skipped(SkipReason reason) {
    return MappingResult.skipped(reason);
  }

  /** One test per row of the mapping table, each through every element type. */
  @Nested
  final class Table {
    @ParameterizedTest
    @ValueSource(strings = {"ip-src", "ip-dst"})
    void addressTypesYieldTheAddressIntoIpAndTextSets(String type) {
      assertThat(map(type, "198.51.100.7", IP)).isEqualTo(value("198.51.100.7"));
      assertThat(map(type, "198.51.100.7", ALNIC)).isEqualTo(value("198.51.100.7"));
      assertThat(map(type, "2001:DB8::7", ALN)).isEqualTo(value("2001:db8::7"));
      assertThat(map(type, "198.51.100.7", PORT)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, "198.51.100.7", NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip-src|port", "ip-dst|port"})
    void addressPortTypesYieldTheAddressOrThePort(String type) {
      assertThat(map(type, "198.51.100.7|8080", IP)).isEqualTo(value("198.51.100.7"));
      assertThat(map(type, "198.51.100.7|8080", PORT)).isEqualTo(value("8080"));
      assertThat(map(type, "198.51.100.7|8080", ALNIC)).isEqualTo(value("198.51.100.7"));
      assertThat(map(type, "2001:DB8::7|443", ALN)).isEqualTo(value("2001:db8::7"));
      assertThat(map(type, "198.51.100.7|8080", NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"domain", "hostname"})
    void nameTypesYieldTheNameIntoTextSetsOnly(String type) {
      assertThat(map(type, "Evil.Example.com", ALNIC)).isEqualTo(value("evil.example.com"));
      assertThat(map(type, "Evil.Example.com", ALN)).isEqualTo(value("Evil.Example.com"));
      assertThat(map(type, "evil.example.com", IP)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, "evil.example.com", PORT)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, "evil.example.com", NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @Test
    void domainIpYieldsTheAddressIntoIpAndTheNameIntoTextSets() {
      assertThat(map("domain|ip", "evil.example.com|198.51.100.7", IP))
          .isEqualTo(value("198.51.100.7"));
      assertThat(map("domain|ip", "Evil.Example.com|198.51.100.7", ALNIC))
          .isEqualTo(value("evil.example.com"));
      assertThat(map("domain|ip", "Evil.Example.com|198.51.100.7", ALN))
          .isEqualTo(value("Evil.Example.com"));
      assertThat(map("domain|ip", "evil.example.com|198.51.100.7", PORT))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map("domain|ip", "evil.example.com|198.51.100.7", NUM))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @Test
    void hostnamePortYieldsThePortIntoPortAndTheNameIntoTextSets() {
      assertThat(map("hostname|port", "c2.example.com|4444", PORT)).isEqualTo(value("4444"));
      assertThat(map("hostname|port", "C2.Example.com|4444", ALNIC))
          .isEqualTo(value("c2.example.com"));
      assertThat(map("hostname|port", "C2.Example.com|4444", ALN))
          .isEqualTo(value("C2.Example.com"));
      assertThat(map("hostname|port", "c2.example.com|4444", IP))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map("hostname|port", "c2.example.com|4444", NUM))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @ParameterizedTest
    @CsvSource({
      "url, https://Evil.example.com/Path?q=1",
      "uri, /Admin/login.php",
      "link, https://Blog.example.org/Post",
      "email, Phish@Example.com",
      "email-src, Phish@Example.com",
      "email-subject, Your Invoice",
      "filename, Invoice.PDF.exe",
      "mutex, Global\\MsWinZonesCacheCounterMutexA",
      "user-agent, Mozilla/5.0 (Evil)",
    })
    void plainTypesYieldTheValueIntoTextSetsOnly(String type, String raw) {
      assertThat(map(type, raw, ALNIC)).isEqualTo(value(raw.toLowerCase(java.util.Locale.ROOT)));
      assertThat(map(type, raw, ALN)).isEqualTo(value(raw));
      assertThat(map(type, raw, IP)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, raw, PORT)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, raw, NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @ParameterizedTest
    @CsvSource({
      "md5, D41D8CD98F00B204E9800998ECF8427E",
      "sha1, DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
      "sha224, D14A028C2A3A2BC9476102BB288234C415A2B01F828EA62AC5B3E42F",
      "sha256, E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    })
    void hashTypesYieldTheHashIntoTextSetsOnly(String type, String raw) {
      assertThat(map(type, raw, ALNIC)).isEqualTo(value(raw.toLowerCase(java.util.Locale.ROOT)));
      assertThat(map(type, raw, ALN)).isEqualTo(value(raw));
      assertThat(map(type, raw, IP)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, raw, PORT)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map(type, raw, NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @Test
    void filenameHashYieldsTheHash() {
      String sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

      assertThat(map("filename|sha256", "Setup.exe|" + sha256.toUpperCase(), ALNIC))
          .isEqualTo(value(sha256));
      assertThat(map("filename|md5", "a.exe|D41D8CD98F00B204E9800998ECF8427E", ALN))
          .isEqualTo(value("D41D8CD98F00B204E9800998ECF8427E"));
      assertThat(map("filename|sha256", "setup.exe|" + sha256, IP))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @Test
    void autonomousSystemYieldsTheValueIntoTextSetsAndTheNumberIntoNumSets() {
      assertThat(map("AS", "AS13335", NUM)).isEqualTo(value("13335"));
      assertThat(map("AS", "13335", NUM)).isEqualTo(value("13335"));
      assertThat(map("AS", "AS13335", ALNIC)).isEqualTo(value("as13335"));
      assertThat(map("AS", "AS13335", ALN)).isEqualTo(value("AS13335"));
      assertThat(map("AS", "AS13335", IP)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map("AS", "AS13335", PORT)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }
  }

  @Nested
  final class Addresses {
    @ParameterizedTest
    @CsvSource({
      "198.51.100.7, 198.51.100.7",
      "0.0.0.0, 0.0.0.0",
      "255.255.255.255, 255.255.255.255",
      "198.51.100.7/32, 198.51.100.7",
      "' 198.51.100.7 ', 198.51.100.7",
      "2001:DB8::1, 2001:db8::1",
      "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
      "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
      "2001:db8::1/128, 2001:db8::1",
      "::1.2.3.4, ::102:304",
      "::, ::",
      "::1, ::1",
      "1::, 1::",
      "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    })
    void normalisesAddresses(String raw, String expected) {
      assertThat(map("ip-dst", raw, IP)).isEqualTo(value(expected));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "107.183.86",
          "01.2.3.4",
          "1.2.3.04",
          "256.1.1.1",
          "1.2.3.4.5",
          "1.2.3.",
          "1..2.3",
          "198.51.100.0/24",
          "198.51.100.7/33",
          "198.51.100.7/032",
          "2001:db8::/64",
          "2001:db8::1/32",
          "::ffff:1.2.3.4",
          "::FFFF:c000:0201",
          "fe80::1%eth0",
          "[2001:db8::1]",
          "2001:db8:::1",
          "2001:db8::1::2",
          "1:2:3:4:5:6:7:8:9",
          "1:2:3:4:5:6:7",
          "1:2:3:4:5:6:7:8::",
          "12345::",
          ":1::",
          "1::2:",
          "::1.2.3",
          "::1.2.3.256",
          "\u0661.2.3.4",
          "1.2.3.4|80",
          "evil.example.com",
        })
    void rejectsMalformedAddresses(String raw) {
      assertThat(map("ip-src", raw, IP)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }
  }

  @Test
  void rejectsMaxLengthUnderOne() {
    assertThatThrownBy(() -> ValueMapper.map("ip-src", "1.2.3.4", IP, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLength");
  }
}
