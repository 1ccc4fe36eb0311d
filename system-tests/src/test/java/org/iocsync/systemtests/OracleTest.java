package org.iocsync.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.iocsync.testkit.FakeMisp;
import org.junit.jupiter.api.Test;

/** The chaos runs' oracle follows DESIGN.md's mapping rules for the types they seed. */
class OracleTest {
  @Test
  void keepsCanonicalIpv4AndDropsOnlyAThirtyTwoBitPrefix() {
    assertThat(Oracle.normalise("ip-dst", "45.1.2.3")).contains("45.1.2.3");
    assertThat(Oracle.normalise("ip-src", "45.1.2.3/32")).contains("45.1.2.3");

    assertThat(Oracle.normalise("ip-dst", "01.2.3.4")).isEmpty();
    assertThat(Oracle.normalise("ip-dst", "107.183.86")).isEmpty();
    assertThat(Oracle.normalise("ip-dst", "300.1.2.3")).isEmpty();
    assertThat(Oracle.normalise("ip-dst", "10.0.0.0/8")).isEmpty();
  }

  @Test
  void lowerCasesNamesDropsATrailingDotAndRefusesMalformedOnes() {
    assertThat(Oracle.normalise("domain", "Evil.Example.COM.")).contains("evil.example.com");
    assertThat(Oracle.normalise("hostname", "host7.abc.com")).contains("host7.abc.com");

    assertThat(Oracle.normalise("domain", "bad..example.com")).isEmpty();
    assertThat(Oracle.normalise("domain", "no spaces.example.org")).isEmpty();
    assertThat(Oracle.normalise("domain", "-x.io")).isEmpty();
  }

  @Test
  void lowerCasesHashesOfTheRightLengthOnly() {
    String md5 = "D41D8CD98F00B204E9800998ECF8427E";

    assertThat(Oracle.normalise("md5", md5)).contains(md5.toLowerCase(Locale.ROOT));
    assertThat(Oracle.normalise("sha1", md5)).isEmpty();
    assertThat(Oracle.normalise("md5", "g41d8cd98f00b204e9800998ecf8427e")).isEmpty();
  }

  @Test
  void yieldsOnlyLiveFlaggedPublishedUntaggedAttributesOfTheJobsTypes() {
    try (FakeMisp misp = FakeMisp.start()) {
      long published = misp.addEvent("published");
      long unpublished = misp.addEvent(FakeMisp.event("draft").published(false));
      long excluded = misp.addEvent(FakeMisp.event("red").tags(MispWorld.EXCLUDED_TAG));
      misp.addAttribute(published, "ip-dst", "45.0.0.1");
      misp.addAttribute(published, "ip-src", "45.0.0.1");
      misp.addAttribute(published, "ip-src", "45.0.0.2/32");
      misp.deleteAttribute(misp.addAttribute(published, "ip-dst", "45.0.0.3"));
      misp.addAttribute(published, FakeMisp.attribute("ip-dst", "45.0.0.4").toIds(false));
      misp.addAttribute(
          published, FakeMisp.attribute("ip-dst", "45.0.0.5").tags(MispWorld.EXCLUDED_TAG));
      misp.addAttribute(published, "domain", "evil.example.com");
      misp.addAttribute(unpublished, "ip-dst", "45.0.0.6");
      misp.addAttribute(excluded, "ip-dst", "45.0.0.7");
      ChaosJob ips = ChaosJob.all(false).get(0);

      Set<String> desired = Oracle.desired(misp, List.of(published, unpublished, excluded), ips);

      assertThat(desired).containsExactlyInAnyOrder("45.0.0.1", "45.0.0.2");
    }
  }
}
