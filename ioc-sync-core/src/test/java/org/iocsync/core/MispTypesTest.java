package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

final class MispTypesTest {
  @Test
  void knowsTheTypesOfMisp25() {
    assertThat(MispTypes.builtIn())
        .hasSize(194)
        .startsWith("md5", "sha1", "sha256")
        .contains("ip-src", "ip-dst|port", "domain|ip", "filename|sha3-512", "AS", "onion-address")
        .doesNotHaveDuplicates();
    assertThat(MispTypes.isBuiltIn("hostname|port")).isTrue();
    assertThat(MispTypes.isBuiltIn("ip")).isFalse();
  }

  @Test
  void knowsWhichTypesAreHashesAndTheirHexLengths() {
    assertThat(MispTypes.hexLength("md5")).isEqualTo(OptionalInt.of(32));
    assertThat(MispTypes.hexLength("sha512/224")).isEqualTo(OptionalInt.of(56));
    assertThat(MispTypes.hexLength("jarm-fingerprint")).isEqualTo(OptionalInt.of(62));
    assertThat(MispTypes.hexLength("ssdeep")).isEmpty();
    assertThat(MispTypes.hexLength("filename|md5")).isEmpty();
    assertThat(List.of("md5", "sha3-384", "ssdeep", "tlsh", "vhash", "cdhash", "telfhash"))
        .allMatch(MispTypes::isHash);
    assertThat(List.of("filename", "ip-src", "url", "filename|md5")).noneMatch(MispTypes::isHash);
  }

  @Test
  void splitsCompositeTypesIntoTheirParts() {
    assertThat(MispTypes.isComposite("domain|ip")).isTrue();
    assertThat(MispTypes.isComposite("domain")).isFalse();
    assertThat(MispTypes.componentType("domain|ip", ElementType.IP)).hasValue("ip-dst");
    assertThat(MispTypes.componentType("domain|ip", ElementType.ALNIC)).hasValue("domain");
    assertThat(MispTypes.componentType("ip-src|port", ElementType.PORT)).hasValue("port");
    assertThat(MispTypes.componentType("ip-src|port", ElementType.ALN)).hasValue("ip-src");
    assertThat(MispTypes.componentType("filename|sha512/256", ElementType.ALNIC))
        .hasValue("sha512/256");
    assertThat(MispTypes.componentType("regkey|value", ElementType.ALNIC)).hasValue("regkey|value");
    assertThat(MispTypes.componentType("url", ElementType.ALNIC)).hasValue("url");
    assertThat(MispTypes.componentType("url", ElementType.IP)).isEmpty();
  }

  @Test
  void listsTheTypesThatYieldEachElementType() {
    assertThat(MispTypes.yielding(MispTypes.builtIn(), ElementType.IP))
        .containsExactly("ip-src", "ip-dst", "domain|ip", "ip-dst|port", "ip-src|port");
    assertThat(MispTypes.yielding(MispTypes.builtIn(), ElementType.PORT))
        .containsExactly("port", "ip-dst|port", "ip-src|port", "hostname|port");
    assertThat(MispTypes.yielding(MispTypes.builtIn(), ElementType.NUM))
        .containsExactly("AS", "size-in-bytes", "counter", "integer");
  }

  @ParameterizedTest
  @EnumSource(
      value = ElementType.class,
      names = {"ALNIC", "ALN"})
  void everyTypeKnownOrNotYieldsTextValues(ElementType elementType) {
    assertThat(MispTypes.builtIn()).allMatch(type -> MispTypes.canYield(type, elementType));
    assertThat(MispTypes.canYield("not-yet-invented", elementType)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = ElementType.class,
      names = {"IP", "PORT", "NUM"})
  void unknownTypesNeverYieldTypedValues(ElementType elementType) {
    assertThat(MispTypes.canYield("not-yet-invented", elementType)).isFalse();
  }
}
