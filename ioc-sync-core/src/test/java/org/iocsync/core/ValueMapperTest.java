package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.core.ElementType.ALN;
import static org.iocsync.core.ElementType.ALNIC;
import static org.iocsync.core.ElementType.IP;
import static org.iocsync.core.ElementType.NUM;
import static org.iocsync.core.ElementType.PORT;

import java.util.Locale;
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
      assertThat(map(type, raw, ALNIC)).isEqualTo(value(raw.toLowerCase(Locale.ROOT)));
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
      assertThat(map(type, raw, ALNIC)).isEqualTo(value(raw.toLowerCase(Locale.ROOT)));
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

  @Nested
  final class AddressesInTextSets {
    @Test
    void writesAddressesInTheirCanonicalFormInTextSets() {
      assertThat(map("ip-src", "2001:0DB8:0:0:0:0:0:0001", ALNIC)).isEqualTo(value("2001:db8::1"));
      assertThat(map("ip-src", "2001:0DB8:0:0:0:0:0:0001", ALN)).isEqualTo(value("2001:db8::1"));
      assertThat(map("ip-src", "198.51.100.7/32", ALNIC)).isEqualTo(value("198.51.100.7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.51.100.0/24", "01.2.3.4", "::ffff:1.2.3.4", "fe80::1%eth0"})
    void rejectsMalformedAddressesInTextSetsToo(String raw) {
      assertThat(map("ip-src", raw, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ip-dst|port", raw + "|80", ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void takesTheAddressOfAnIpv6AddressPortPair() {
      assertThat(map("ip-dst|port", "2001:db8::1|443", IP)).isEqualTo(value("2001:db8::1"));
      assertThat(map("ip-dst|port", "2001:db8::1|443", PORT)).isEqualTo(value("443"));
    }
  }

  @Nested
  final class Ports {
    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "443, 443", "65535, 65535", "080, 80", "' 8080 ', 8080"})
    void acceptsPortsFromZeroTo65535(String raw, String expected) {
      assertThat(map("ip-src|port", "198.51.100.7|" + raw, PORT)).isEqualTo(value(expected));
      assertThat(map("hostname|port", "c2.example.com|" + raw, PORT)).isEqualTo(value(expected));
      assertThat(map("port", raw, PORT)).isEqualTo(value(expected));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"65536", "99999999999999999999", "-1", "+80", "80a", "8 0", "0x50", "", " "})
    void rejectsPortsOutOfRangeOrNotDecimal(String raw) {
      assertThat(map("ip-src|port", "198.51.100.7|" + raw, PORT))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("port", raw, PORT)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void checksOnlyThePartTheSetTakes() {
      assertThat(map("ip-src|port", "198.51.100.7|not-a-port", IP))
          .isEqualTo(value("198.51.100.7"));
      assertThat(map("ip-src|port", "not-an-address|80", PORT)).isEqualTo(value("80"));
      assertThat(map("domain|ip", "not a name|198.51.100.7", IP)).isEqualTo(value("198.51.100.7"));
      assertThat(map("domain|ip", "evil.example.com|not-an-address", ALNIC))
          .isEqualTo(value("evil.example.com"));
    }

    @Test
    void keepsAPortAsTextInTextSets() {
      assertThat(map("port", "080", ALNIC)).isEqualTo(value("080"));
    }
  }

  @Nested
  final class Numbers {
    @ParameterizedTest
    @CsvSource({
      "AS13335, 13335",
      "as13335, 13335",
      "As13335, 13335",
      "13335, 13335",
      "AS0, 0",
      "AS013335, 13335",
      "4294967295, 4294967295",
      "AS1.10, 65546",
      "0.65535, 65535",
      "' AS64496 ', 64496",
    })
    void takesAutonomousSystemNumbersWithoutTheirPrefix(String raw, String expected) {
      assertThat(map("AS", raw, NUM)).isEqualTo(value(expected));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "AS",
          "ASN13335",
          "AS 13335",
          "AS-1",
          "4294967296",
          "1.65536",
          "1.",
          ".1",
          "1.2.3"
        })
    void rejectsMalformedAutonomousSystemNumbers(String raw) {
      assertThat(map("AS", raw, NUM)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @ParameterizedTest
    @CsvSource({
      "integer, 42, 42",
      "integer, -42, -42",
      "integer, 007, 7",
      "integer, -0, 0",
      "integer, 9223372036854775807, 9223372036854775807",
      "integer, -9223372036854775808, -9223372036854775808",
      "counter, 12, 12",
      "size-in-bytes, 1048576, 1048576",
    })
    void takesIntegersIntoNumSets(String type, String raw, String expected) {
      assertThat(map(type, raw, NUM)).isEqualTo(value(expected));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "9223372036854775808",
          "-9223372036854775809",
          "99999999999999999999999",
          "1e3",
          "1.5",
          "+1",
          "-",
          "--1",
          "\u0664\u0662"
        })
    void rejectsWhatIsNoIntegerOrDoesNotFitIn64Bits(String raw) {
      assertThat(map("integer", raw, NUM)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float", "text", "port", "ip-src", "hostname|port", "ip-src|port"})
    void otherTypesNeverYieldNumbers(String type) {
      assertThat(map(type, "42", NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }
  }

  @Nested
  final class HostNames {
    @ParameterizedTest
    @CsvSource({
      "evil.example.com, evil.example.com",
      "Evil.Example.COM, evil.example.com",
      "evil.example.com., evil.example.com",
      "' evil.example.com. ', evil.example.com",
      "xn--bcher-kva.example, xn--bcher-kva.example",
      "_dmarc.example.com, _dmarc.example.com",
      "a-b.c_d.example.com, a-b.c_d.example.com",
      "1.2.3.example, 1.2.3.example",
      "example.xn--p1ai, example.xn--p1ai",
    })
    void normalisesHostNames(String raw, String expected) {
      assertThat(map("domain", raw, ALNIC)).isEqualTo(value(expected));
      assertThat(map("hostname", raw, ALNIC)).isEqualTo(value(expected));
      assertThat(map("domain|ip", raw + "|198.51.100.7", ALNIC)).isEqualTo(value(expected));
      assertThat(map("hostname|port", raw + "|80", ALNIC)).isEqualTo(value(expected));
    }

    @Test
    void keepsTheCaseOfHostNamesInAlnSets() {
      assertThat(map("domain", "Evil.Example.COM.", ALN)).isEqualTo(value("Evil.Example.COM"));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "localhost",
          ".evil.example.com",
          "evil..example.com",
          "evil.example.com..",
          "-evil.example.com",
          "evil-.example.com",
          "evil.example-",
          "evil.-example",
          "ev il.example.com",
          "*.evil.example.com",
          "evil.example.com/path",
          "evil.example.com:80",
          "evil.example.c",
          "evil.example.c_m",
          "198.51.100.7",
          "evil.example.123",
          "bücher.example",
          "evil.example.com|198.51.100.7",
          "evil\u0000.example.com",
          ".",
        })
    void rejectsWhatIsNoHostName(String raw) {
      assertThat(map("domain", raw, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("hostname", raw, ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void acceptsLabelsOfUpTo63Characters() {
      String label63 = "a".repeat(63);

      assertThat(map("domain", label63 + ".example", ALNIC)).isEqualTo(value(label63 + ".example"));
      assertThat(map("domain", label63 + "a.example", ALNIC))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void acceptsNamesOfUpTo253Characters() {
      String name253 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(58) + ".ab";
      String name254 = "a" + name253;

      assertThat(name253).hasSize(253);
      assertThat(map("domain", name253, ALNIC)).isEqualTo(value(name253));
      assertThat(map("domain", name253 + ".", ALNIC)).isEqualTo(value(name253));
      assertThat(map("domain", name254, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }
  }

  @Nested
  final class Hashes {
    @ParameterizedTest
    @CsvSource({
      "md5, 32",
      "sha1, 40",
      "sha224, 56",
      "sha256, 64",
      "sha384, 96",
      "sha512, 128",
      "sha512/224, 56",
      "sha512/256, 64",
      "sha3-224, 56",
      "sha3-256, 64",
      "sha3-384, 96",
      "sha3-512, 128",
      "imphash, 32",
      "authentihash, 64",
      "pehash, 40",
      "x509-fingerprint-sha256, 64",
      "ja3-fingerprint-md5, 32",
      "jarm-fingerprint, 62",
    })
    void acceptsHexOfExactlyTheLengthOfTheType(String type, int length) {
      String hex = "0123456789ABCDEF".repeat(8).substring(0, length);

      assertThat(map(type, hex, ALNIC)).isEqualTo(value(hex.toLowerCase(Locale.ROOT)));
      assertThat(map(type, hex, ALN)).isEqualTo(value(hex));
      assertThat(map(type, hex.substring(1), ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map(type, hex + "0", ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map(type, "g" + hex.substring(1), ALNIC))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void checksTheHashOfFilenameHashPairsByItsType() {
      String md5 = "d41d8cd98f00b204e9800998ecf8427e";

      assertThat(map("filename|md5", "invoice.exe|" + md5, ALNIC)).isEqualTo(value(md5));
      assertThat(map("filename|sha1", "invoice.exe|" + md5, ALNIC))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("filename|md5", md5, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("filename|md5", "odd|name.exe|" + md5, ALNIC)).isEqualTo(value(md5));
    }

    @Test
    void acceptsFuzzyHashesAsBlocksizeHashHash() {
      String ssdeep =
          "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx";

      assertThat(map("ssdeep", ssdeep, ALN)).isEqualTo(value(ssdeep));
      assertThat(map("ssdeep", ssdeep, ALNIC)).isEqualTo(value(ssdeep.toLowerCase(Locale.ROOT)));
      assertThat(map("filename|ssdeep", "a.exe|3:abc:def", ALN)).isEqualTo(value("3:abc:def"));
      assertThat(map("impfuzzy", "48:abc+/:xyz", ALN)).isEqualTo(value("48:abc+/:xyz"));
      assertThat(map("ssdeep", "abc:def:ghi", ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ssdeep", "3:abc", ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ssdeep", "3:a:b:c", ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ssdeep", "3:a b:c", ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void acceptsTlshWithOrWithoutItsVersionPrefix() {
      String digest = "A".repeat(70);

      assertThat(map("tlsh", "T1" + digest, ALNIC)).isEqualTo(value("t1" + "a".repeat(70)));
      assertThat(map("tlsh", digest, ALN)).isEqualTo(value(digest));
      assertThat(map("filename|tlsh", "a.exe|t1" + digest, ALN)).isEqualTo(value("t1" + digest));
      assertThat(map("tlsh", "a".repeat(34), ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("tlsh", "T1" + "g".repeat(70), ALN))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void acceptsTelfhashesOf70Or72Characters() {
      assertThat(map("telfhash", "a".repeat(70), ALN)).isEqualTo(value("a".repeat(70)));
      assertThat(map("telfhash", "t1" + "a".repeat(70), ALN))
          .isEqualTo(value("t1" + "a".repeat(70)));
      assertThat(map("telfhash", "a".repeat(72), ALN)).isEqualTo(value("a".repeat(72)));
      assertThat(map("telfhash", "a".repeat(71), ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("telfhash", "z".repeat(70), ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void acceptsCodeDirectoryHashesOfAtLeast40HexDigits() {
      assertThat(map("cdhash", "A".repeat(40), ALNIC)).isEqualTo(value("a".repeat(40)));
      assertThat(map("cdhash", "a".repeat(64), ALNIC)).isEqualTo(value("a".repeat(64)));
      assertThat(map("cdhash", "a".repeat(39), ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void takesVhashesAsText() {
      assertThat(map("vhash", "0150366d1570z4nz1fz", ALN)).isEqualTo(value("0150366d1570z4nz1fz"));
      assertThat(map("filename|vhash", "a.exe|015036Z", ALNIC)).isEqualTo(value("015036z"));
    }
  }

  @Nested
  final class EmptyBlankAndLong {
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\r\n", "\u00a0\u2003\u3000", "\u0000", "\u0085"})
    void skipsEmptyAndBlankValuesAsInvalid(String raw) {
      for (ElementType elementType : ElementType.values()) {
        String type = elementType == NUM ? "AS" : elementType == PORT ? "port" : "ip-src";

        assertThat(map(type, raw, elementType)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      }
      assertThat(map("text", raw, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("md5", raw, ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @ParameterizedTest
    @CsvSource({
      "ip-src|port, IP, |80",
      "ip-src|port, PORT, 198.51.100.7|",
      "domain|ip, ALNIC, |198.51.100.7",
      "filename|md5, ALNIC, invoice.exe|",
      "ip-src|port, IP, ' |80'",
    })
    void skipsCompositesWithAnEmptyPartAsInvalid(String type, ElementType elementType, String raw) {
      assertThat(map(type, raw, elementType)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void acceptsValuesOfExactlyTheMaximumLength() {
      assertThat(ValueMapper.map("url", "a".repeat(10), ALN, 10)).isEqualTo(value("a".repeat(10)));
      assertThat(ValueMapper.map("url", "a".repeat(11), ALN, 10))
          .isEqualTo(skipped(SkipReason.TOO_LONG));
    }

    @Test
    void measuresLengthInCodePointsAfterNormalising() {
      String threeEmoji = "\ud83d\ude00\ud83d\ude00\ud83d\ude00";

      assertThat(ValueMapper.map("text", " " + threeEmoji + " ", ALN, 3))
          .isEqualTo(value(threeEmoji));
      assertThat(ValueMapper.map("text", "\u0130\u0130", ALNIC, 3))
          .isEqualTo(skipped(SkipReason.TOO_LONG));
      assertThat(ValueMapper.map("text", "\u0130\u0130", ALN, 3)).isEqualTo(value("\u0130\u0130"));
      assertThat(ValueMapper.map("ip-src", "2001:0db8:0000:0000:0000:0000:0000:0001", IP, 11))
          .isEqualTo(value("2001:db8::1"));
    }

    @Test
    void handlesHugeValuesWithoutFailing() {
      String huge = "a".repeat(5_000_000);

      assertThat(ValueMapper.map("url", huge, ALNIC, 2048)).isEqualTo(skipped(SkipReason.TOO_LONG));
      assertThat(map("ip-src", huge, IP)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ip-src", "1:" + huge, IP)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("domain", huge, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("md5", huge, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ssdeep", "3:" + huge + ":x", ALN)).isEqualTo(skipped(SkipReason.TOO_LONG));
      assertThat(map("AS", "AS" + "1".repeat(100_000), NUM))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ip-src|port", huge + "|" + huge, PORT))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }
  }

  @Nested
  final class Text {
    @Test
    void trimsAndLowerCasesTextForAlnicSets() {
      assertThat(map("url", "  HTTPS://Evil.Example.com/ÄÖ  ", ALNIC))
          .isEqualTo(value("https://evil.example.com/äö"));
    }

    @Test
    void trimsButKeepsCaseForAlnSets() {
      assertThat(map("url", "\t HTTPS://Evil.Example.com/ÄÖ \u00a0", ALN))
          .isEqualTo(value("HTTPS://Evil.Example.com/ÄÖ"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a|b", "https://evil.example.com/?q=a|b", "|", "a||b"})
    void keepsBarsInPlainTypes(String raw) {
      assertThat(map("url", raw, ALN)).isEqualTo(value(raw));
      assertThat(map("text", raw, ALNIC)).isEqualTo(value(raw));
    }

    @Test
    void rejectsBarsInPlainTypesThatCannotHoldThem() {
      assertThat(map("md5", "d41d8cd98f00b204|e9800998ecf8427e", ALNIC))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("domain", "evil.example.com|x", ALNIC))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("AS", "AS1|AS2", NUM)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void skipsCompositeValuesWithoutABarAsInvalid() {
      assertThat(map("domain|ip", "evil.example.com", ALNIC))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
      assertThat(map("ip-src|port", "198.51.100.7", IP))
          .isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"line one\nline two", "tab\there", "nul\u0000x", "c1\u0085x", "del\u007fx"})
    void rejectsTextWithControlCharacters(String raw) {
      assertThat(map("text", raw, ALN)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lone \ud83d high", "lone \ude00 low", "ends high \ud83d"})
    void rejectsTextWithUnpairedSurrogates(String raw) {
      assertThat(map("text", raw, ALNIC)).isEqualTo(skipped(SkipReason.INVALID_VALUE));
    }

    @Test
    void keepsPairedSurrogatesAndInvisibleFormatCharacters() {
      assertThat(map("filename", "invoice\u202Efdp.exe", ALN))
          .isEqualTo(value("invoice\u202Efdp.exe"));
      assertThat(map("text", "smile \ud83d\ude00", ALNIC)).isEqualTo(value("smile \ud83d\ude00"));
    }

    @Test
    void keepsCompositesOtherThanNetworkAndFilePairsWhole() {
      assertThat(map("regkey|value", "HKLM\\Software\\Run|Evil.exe", ALNIC))
          .isEqualTo(value("hklm\\software\\run|evil.exe"));
      assertThat(map("regkey|value", "HKLM\\Software\\Run|Evil.exe", IP))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }

    @Test
    void takesTypesItDoesNotKnowAsPlainText() {
      assertThat(map("future-type", "Some Value", ALNIC)).isEqualTo(value("some value"));
      assertThat(map("future|pair", "A|B", ALN)).isEqualTo(value("A|B"));
      assertThat(map("future-type", "198.51.100.7", IP))
          .isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map("future-type", "80", PORT)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map("future-type", "80", NUM)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
      assertThat(map("IP-SRC", "198.51.100.7", IP)).isEqualTo(skipped(SkipReason.TYPE_MISMATCH));
    }
  }

  @Test
  void rejectsMaxLengthUnderOne() {
    assertThatThrownBy(() -> ValueMapper.map("ip-src", "1.2.3.4", IP, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLength");
  }
}
