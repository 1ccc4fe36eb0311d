package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  private static SourceAttribute attribute(
      String type,
      String value,
      boolean toIds,
      boolean deleted,
      boolean published,
      String... tags) {
    return new SourceAttribute(
        "00000000-0000-4000-8000-000000000001",
        "7",
        type,
        value,
        toIds,
        deleted,
        published,
        List.of(tags),
        T,
        T);
  }

  private static MappingResult judge(JobSpec job, SourceAttribute attribute) {
    return new Membership(job, 255).judge(attribute);
  }

  @Test
  void yieldsTheMappedValueOfAMatchingAttribute() {
    MappingResult result =
        judge(
            TestJobs.withTypes(TestJobs.ips("ips", "set"), List.of("ip-dst|port"), ElementType.IP),
            attribute("ip-dst|port", "10.0.0.1|443", true, false, true));

    assertThat(result).isEqualTo(MappingResult.mapped("10.0.0.1"));
  }

  @Test
  void aDeletedAttributeCountsAsDeletedWhateverElseIsWrong() {
    MappingResult result =
        judge(TestJobs.ips("ips", "set"), attribute("ip-dst", "x", false, true, false, "tlp:red"));

    assertThat(result).isEqualTo(MappingResult.skipped(SkipReason.DELETED));
  }

  @Test
  void appliesTheJobsFlags() {
    JobSpec job = TestJobs.ips("ips", "set");

    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", false, false, true)))
        .isEqualTo(MappingResult.skipped(SkipReason.NOT_IDS));
    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, false)))
        .isEqualTo(MappingResult.skipped(SkipReason.UNPUBLISHED));
    assertThat(judge(job, attribute("domain", "evil.example", true, false, true)))
        .isEqualTo(MappingResult.skipped(SkipReason.NOT_IN_FILTER));
  }

  @Test
  void excludedTagsMatchIgnoringCaseAndWithPercentAsAWildcard() {
    JobSpec job =
        new JobSpec(
            "ips",
            "set",
            ElementType.IP,
            List.of("ip-dst"),
            List.of(),
            List.of(),
            List.of("TLP:RED", "misp-galaxy:threat-actor=\"APT%\""),
            true,
            true,
            false,
            SyncMode.MIRROR,
            15,
            true,
            null);

    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "tlp:red")))
        .isEqualTo(MappingResult.skipped(SkipReason.EXCLUDED_TAG));
    assertThat(
            judge(
                job,
                attribute(
                    "ip-dst",
                    "10.0.0.1",
                    true,
                    false,
                    true,
                    "misp-galaxy:threat-actor=\"APT 28\"")))
        .isEqualTo(MappingResult.skipped(SkipReason.EXCLUDED_TAG));
    assertThat(
            judge(
                job,
                attribute(
                    "ip-dst", "10.0.0.1", true, false, true, "misp-galaxy:threat-actor=\"X\"")))
        .isEqualTo(MappingResult.mapped("10.0.0.1"));
    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "tlp:red:extra")))
        .isEqualTo(MappingResult.mapped("10.0.0.1"));
  }

  @Test
  void requiredTagsNeedAnyOneOfThemAndAnExcludedTagStillWins() {
    JobSpec job = TestJobs.withTags(TestJobs.ips("ips", "set"), List.of("tlp:%", "malware"));

    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "TLP:amber")))
        .isEqualTo(MappingResult.mapped("10.0.0.1"));
    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "Malware")))
        .isEqualTo(MappingResult.mapped("10.0.0.1"));
    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "phishing")))
        .isEqualTo(MappingResult.skipped(SkipReason.NOT_IN_FILTER));
    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "tlp:red")))
        .isEqualTo(MappingResult.skipped(SkipReason.EXCLUDED_TAG));
  }

  @Test
  void regularExpressionCharactersInTagsAreLiteral() {
    JobSpec job = TestJobs.withTags(TestJobs.ips("ips", "set"), List.of("a.b*"));

    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "a.b*")))
        .isEqualTo(MappingResult.mapped("10.0.0.1"));
    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true, "axbbb")))
        .isEqualTo(MappingResult.skipped(SkipReason.NOT_IN_FILTER));
  }

  @Test
  void restrictsToTheJobsEvents() {
    JobSpec job =
        new JobSpec(
            "ips",
            "set",
            ElementType.IP,
            List.of(),
            List.of("8"),
            List.of(),
            List.of(),
            false,
            false,
            false,
            SyncMode.MIRROR,
            15,
            true,
            null);

    assertThat(judge(job, attribute("ip-dst", "10.0.0.1", true, false, true)))
        .isEqualTo(MappingResult.skipped(SkipReason.NOT_IN_FILTER));
  }

  @Test
  void passesTooLongAndInvalidValuesOnFromTheMapper() {
    JobSpec job = TestJobs.ips("ips", "set");

    assertThat(judge(job, attribute("ip-dst", "107.183.86", true, false, true)))
        .isEqualTo(MappingResult.skipped(SkipReason.INVALID_VALUE));
    assertThat(new Membership(job, 5).judge(attribute("ip-dst", "10.0.0.1", true, false, true)))
        .isEqualTo(MappingResult.skipped(SkipReason.TOO_LONG));
  }
}
