package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ElementTypeTest {
  @ParameterizedTest
  @CsvSource({
    "IP, 192.0.2.1, true",
    "IP, 0.0.0.0, true",
    "IP, 255.255.255.255, true",
    "IP, 256.1.1.1, false",
    "IP, 107.183.86, false",
    "IP, 10.0.0.0/8, false",
    "IP, 2001:db8::1, true",
    "IP, ::, true",
    "IP, ::1, true",
    "IP, 1:2:3:4:5:6:7:8, true",
    "IP, 1:2:3:4:5:6:7::, true",
    "IP, 1:2:3:4:5:6:7:8:9, false",
    "IP, 1::2::3, false",
    "IP, ::ffff:192.0.2.128, true",
    "IP, 1.2.3.4::, false",
    "IP, fe80::1%eth0, false",
    "IP, 2001:db8::g, false",
    "IP, evil.example, false",
    "PORT, 0, true",
    "PORT, 65535, true",
    "PORT, 65536, false",
    "PORT, -1, false",
    "PORT, 44a, false",
    "NUM, 42, true",
    "NUM, -7, true",
    "NUM, 3.5, true",
    "NUM, AS64496, false",
    "DATE, 1717243200000, true",
    "DATE, 2024-06-01, false",
    "ALN, anything at all, true",
    "ALNIC, MiXeD, true",
    "CIDR, 10.0.0.0/8, true",
    "CIDR, 2001:db8::/32, true",
    "CIDR, 10.0.0.0/33, false",
    "CIDR, 10.0.0.0, false",
  })
  void acceptsWhatEachTypeTakes(ElementType type, String value, boolean accepted) {
    assertThat(type.accepts(value)).isEqualTo(accepted);
  }

  @ParameterizedTest
  @CsvSource({"ALN", "ALNIC", "IP", "NUM", "PORT", "DATE", "CIDR"})
  void refusesEmptyAndBlankValues(ElementType type) {
    assertThat(type.accepts("")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"ALNIC, Evil.EXAMPLE, evil.example", "ALN, Evil.EXAMPLE, Evil.EXAMPLE"})
  void normalizesOnlyCaseInsensitiveSets(ElementType type, String value, String stored) {
    assertThat(type.normalize(value)).isEqualTo(stored);
  }
}
