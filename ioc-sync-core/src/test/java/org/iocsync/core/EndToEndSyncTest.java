package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.testkit.FakeMisp;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Syncs from the fake MISP to the fake QRadar through the real clients, on each of QRadar's two
 * APIs, and checks after every run that each set holds exactly what the fake's data calls for plus
 * what others put there.
 */
@Timeout(60)
class EndToEndSyncTest {
  static final String IP_SET = "MISP IPs";
  static final String DOMAIN_SET = "MISP domains";
  static final String HASH_SET = "MISP hashes";

  private static final String SHA256_A =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final String SHA256_B =
      "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
  private static final String SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

  @TempDir Path dir;

  private @Nullable EndToEndRig rig;

  @AfterEach
  void closeRig() {
    if (rig != null) {
      rig.close();
    }
  }

  static JobSpec ipJob() {
    return TestJobs.withTypes(
        TestJobs.ips("ips", IP_SET),
        List.of("ip-src", "ip-dst", "ip-dst|port", "domain|ip"),
        ElementType.IP);
  }

  static JobSpec domainJob() {
    return TestJobs.withTypes(
        TestJobs.ips("domains", DOMAIN_SET),
        List.of("domain", "hostname", "domain|ip"),
        ElementType.ALNIC);
  }

  static JobSpec hashJob() {
    return TestJobs.withTypes(
        TestJobs.ips("hashes", HASH_SET),
        List.of("md5", "sha1", "sha256", "filename|sha256"),
        ElementType.ALNIC);
  }

  static Stream<Arguments> apisAndKinds() {
    return Stream.of(ReferenceApi.LEGACY, ReferenceApi.COLLECTIONS)
        .flatMap(api -> Stream.of(RunKind.values()).map(kind -> Arguments.of(api, kind)));
  }

  @ParameterizedTest(name = "{0} API, then a {1} run")
  @MethodSource("apisAndKinds")
  void followsEveryKindOfChangeInMispWithoutTouchingOthersValues(ReferenceApi api, RunKind next) {
    EndToEndRig rig = this.rig = new EndToEndRig(dir, api);
    FakeMisp misp = rig.misp;
    long phishing = rig.addEvent("Phishing wave");
    String deleted = misp.addAttribute(phishing, "ip-dst", "10.0.0.1");
    String idsOff = misp.addAttribute(phishing, "ip-dst", "10.0.0.2");
    String excludedLater = misp.addAttribute(phishing, "ip-dst", "10.0.0.3");
    String edited = misp.addAttribute(phishing, "ip-dst", "10.0.0.4");
    String sharedDeleted = misp.addAttribute(phishing, "ip-dst", "10.0.0.5");
    long c2 = rig.addEvent("C2 servers");
    misp.addAttribute(c2, "ip-src", "10.0.0.5");
    misp.addAttribute(c2, "ip-dst", "10.0.0.7");
    misp.addAttribute(c2, "ip-dst", "107.183.86");
    misp.addAttribute(c2, "ip-dst|port", "198.51.100.7|443");
    misp.addAttribute(c2, "ip-dst", "2001:db8::1");
    misp.addAttribute(c2, FakeMisp.attribute("ip-dst", "10.0.0.10").toIds(false));
    misp.addAttribute(c2, "domain", "evil.example");
    long withdrawn = rig.addEvent("Withdrawn later");
    misp.addAttribute(withdrawn, "ip-dst", "10.0.0.8");
    long redLater = rig.addEvent("Marked red later");
    misp.addAttribute(redLater, "ip-dst", "10.0.0.12");
    long draft = rig.addEvent(FakeMisp.event("Draft").published(false));
    misp.addAttribute(draft, "ip-dst", "10.0.0.13");
    rig.sync().defineJob(ipJob());

    RunReport first = rig.run("ips", RunKind.FULL);

    assertThat(first.error()).isNull();
    assertThat(rig.values(IP_SET))
        .isEqualTo(rig.expected(ipJob()))
        .containsExactlyInAnyOrder(
            "10.0.0.1",
            "10.0.0.2",
            "10.0.0.3",
            "10.0.0.4",
            "10.0.0.5",
            "10.0.0.7",
            "198.51.100.7",
            "2001:db8::1",
            "10.0.0.8",
            "10.0.0.12");
    assertThat(first.added()).isEqualTo(10);
    assertThat(first.skippedByReason())
        .isEqualTo(
            Map.of(
                SkipReason.INVALID_VALUE, 1L, SkipReason.NOT_IDS, 1L, SkipReason.UNPUBLISHED, 1L));
    assertLedgerHolds(rig, "ips", 10);

    rig.later();
    misp.deleteAttribute(deleted);
    misp.setToIds(idsOff, false);
    misp.tagAttribute(excludedLater, "tlp:red");
    misp.editValue(edited, "10.0.0.44");
    misp.deleteAttribute(sharedDeleted);
    misp.unpublish(withdrawn);
    misp.tagEvent(redLater, "TLP:RED");
    misp.addAttribute(c2, "ip-src", "10.0.0.30");
    rig.qradar.addByHand(IP_SET, "192.0.2.99");
    RunReport second = rig.run("ips", next);

    assertThat(second.error()).isNull();
    assertThat(second.kind()).isEqualTo(next);
    Set<String> wanted = rig.expected(ipJob());
    assertThat(wanted)
        .containsExactlyInAnyOrder(
            "10.0.0.5", "10.0.0.7", "198.51.100.7", "2001:db8::1", "10.0.0.44", "10.0.0.30");
    assertThat(rig.values(IP_SET)).isEqualTo(union(wanted, "192.0.2.99"));
    assertThat(second.added()).isEqualTo(2);
    assertThat(second.removed()).isEqualTo(6);
    assertLedgerHolds(rig, "ips", 6);

    RunReport third = rig.run("ips", next == RunKind.FULL ? RunKind.INCREMENTAL : RunKind.FULL);

    assertThat(third.error()).isNull();
    assertThat(third.added()).isZero();
    assertThat(third.removed()).isZero();
    assertThat(rig.values(IP_SET)).isEqualTo(union(wanted, "192.0.2.99"));
    assertLedgerHolds(rig, "ips", 6);
    assertUsedOnly(rig, api);
  }

  @ParameterizedTest(name = "{0} API")
  @EnumSource(
      value = ReferenceApi.class,
      names = {"LEGACY", "COLLECTIONS"})
  void keepsSeveralJobsOnOneMispApart(ReferenceApi api) throws Exception {
    EndToEndRig rig = this.rig = new EndToEndRig(dir, api);
    FakeMisp misp = rig.misp;
    long mixed = rig.addEvent("Mixed indicators");
    misp.addAttribute(mixed, "ip-dst", "10.1.0.1");
    misp.addAttribute(mixed, "domain", "Evil.Example.");
    String both = misp.addAttribute(mixed, "domain|ip", "phish.example|203.0.113.5");
    misp.addAttribute(mixed, "hostname", "c2.bad.test");
    String md5 = misp.addAttribute(mixed, "md5", "D41D8CD98F00B204E9800998ECF8427E");
    misp.addAttribute(mixed, "md5", "not-a-hash");
    String sha256 = misp.addAttribute(mixed, "sha256", SHA256_A);
    misp.addAttribute(mixed, "filename|sha256", "dropper.exe|" + SHA256_B);
    long other = rig.addEvent("Other campaign");
    misp.addAttribute(other, "ip-src", "10.1.0.2");
    misp.addAttribute(other, "sha1", SHA1);
    List<JobSpec> jobs = List.of(ipJob(), domainJob(), hashJob());
    for (JobSpec job : jobs) {
      rig.sync().defineJob(job);
    }

    for (JobSpec job : jobs) {
      assertThat(rig.run(job.name(), RunKind.FULL).error()).isNull();
    }

    assertThat(rig.values(IP_SET))
        .isEqualTo(rig.expected(ipJob()))
        .containsExactlyInAnyOrder("10.1.0.1", "203.0.113.5", "10.1.0.2");
    assertThat(rig.values(DOMAIN_SET))
        .isEqualTo(rig.expected(domainJob()))
        .containsExactlyInAnyOrder("evil.example", "phish.example", "c2.bad.test");
    assertThat(rig.values(HASH_SET))
        .isEqualTo(rig.expected(hashJob()))
        .containsExactlyInAnyOrder("d41d8cd98f00b204e9800998ecf8427e", SHA256_A, SHA256_B, SHA1);

    rig.later();
    misp.deleteAttribute(both);
    misp.editValue(md5, "0CC175B9C0F1B6A831C399E269772661");
    misp.tagAttribute(sha256, "tlp:red");
    misp.addAttribute(other, "hostname", "new.bad.test");
    rig.qradar.addByHand(DOMAIN_SET, "handmade.example");
    rig.later();
    ExecutorService threads = Executors.newFixedThreadPool(jobs.size());
    try {
      List<CompletableFuture<RunReport>> runs =
          jobs.stream()
              .map(
                  job ->
                      CompletableFuture.supplyAsync(
                          () -> rig.sync().run(job.name(), RunKind.INCREMENTAL), threads))
              .toList();
      for (CompletableFuture<RunReport> run : runs) {
        assertThat(run.get(30, TimeUnit.SECONDS).error()).isNull();
      }
    } finally {
      threads.shutdown();
    }

    assertThat(rig.values(IP_SET))
        .isEqualTo(rig.expected(ipJob()))
        .containsExactlyInAnyOrder("10.1.0.1", "10.1.0.2");
    assertThat(rig.values(DOMAIN_SET))
        .isEqualTo(union(rig.expected(domainJob()), "handmade.example"))
        .containsExactlyInAnyOrder(
            "evil.example", "c2.bad.test", "new.bad.test", "handmade.example");
    assertThat(rig.values(HASH_SET))
        .isEqualTo(rig.expected(hashJob()))
        .containsExactlyInAnyOrder("0cc175b9c0f1b6a831c399e269772661", SHA256_B, SHA1);
    assertThat(rig.sync().runs("ips", 1).get(0).removed()).isEqualTo(1);
    assertThat(rig.sync().runs("domains", 1).get(0).added()).isEqualTo(1);
    assertThat(rig.sync().runs("hashes", 1).get(0).removed()).isEqualTo(2);

    for (JobSpec job : jobs) {
      RunReport full = rig.run(job.name(), RunKind.FULL);

      assertThat(full.error()).isNull();
      assertThat(full.added() + full.removed()).as(job.name()).isZero();
      assertLedgerHolds(rig, job.name(), rig.expected(job).size());
    }
    assertUsedOnly(rig, api);
  }

  @ParameterizedTest(name = "{0} API")
  @EnumSource(
      value = ReferenceApi.class,
      names = {"LEGACY", "COLLECTIONS"})
  void neverClaimsNorRemovesValuesSomeoneElsePutInTheSet(ReferenceApi api) {
    EndToEndRig rig = this.rig = new EndToEndRig(dir, api);
    FakeMisp misp = rig.misp;
    rig.qradar.createSet(IP_SET, "IP");
    rig.qradar.addByHand(IP_SET, "45.1.2.3");
    long event = rig.addEvent("Shared with the analysts");
    String byHandBefore = misp.addAttribute(event, "ip-dst", "45.1.2.3");
    rig.sync().defineJob(ipJob());
    RunReport full = rig.run("ips", RunKind.FULL);
    rig.later();
    misp.editValue(byHandBefore, "45.1.2.3");
    misp.addAttribute(event, "ip-dst", "10.0.0.1");
    rig.qradar.addByHand(IP_SET, "45.6.7.8");
    String byHandAfter = misp.addAttribute(event, "ip-src", "45.6.7.8");

    RunReport incremental = rig.run("ips", RunKind.INCREMENTAL);
    rig.later();
    misp.deleteAttribute(byHandBefore);
    misp.deleteAttribute(byHandAfter);
    RunReport withdrawal = rig.run("ips", RunKind.FULL);

    assertThat(full.added()).isZero();
    assertThat(incremental.error()).isNull();
    assertThat(incremental.fetched()).isEqualTo(3);
    assertThat(incremental.added()).isEqualTo(1);
    assertThat(withdrawal.error()).isNull();
    assertThat(withdrawal.removed()).isZero();
    assertThat(rig.values(IP_SET)).containsExactlyInAnyOrder("45.1.2.3", "45.6.7.8", "10.0.0.1");
    assertLedgerHolds(rig, "ips", 1);
    assertUsedOnly(rig, api);
  }

  /** The job's ledger owns exactly {@code values} confirmed values, with nothing pending. */
  static void assertLedgerHolds(EndToEndRig rig, String job, long values) {
    SyncState state = rig.sync().status(job).state();
    assertThat(state.pendingAdd()).as("pending additions of " + job).isZero();
    assertThat(state.pendingRemove()).as("pending removals of " + job).isZero();
    assertThat(state.confirmed()).as("confirmed values of " + job).isEqualTo(values);
  }

  /**
   * The client spoke to the reference data API the test chose, and not to the other, but to ask
   * which values a set holds.
   */
  static void assertUsedOnly(EndToEndRig rig, ReferenceApi api) {
    String collections = "/api/reference_data_collections/";
    String legacy = "/api/reference_data/sets";
    long toCollections =
        Stream.of("GET", "POST", "PATCH", "DELETE")
            .mapToLong(method -> rig.qradarRequests(method, collections))
            .sum();
    long toLegacy =
        Stream.of("GET", "POST", "DELETE")
            .mapToLong(method -> rig.qradarRequests(method, legacy))
            .sum();
    if (api == ReferenceApi.COLLECTIONS) {
      assertThat(toCollections).isPositive();
      assertThat(toLegacy).isZero();
    } else {
      // Which values a set holds is asked of the collections API's set entries: from API 16.0
      // the legacy API has no such question and the server offers both.
      long questions = rig.qradarRequests("GET", collections + "set_entries");
      assertThat(toLegacy).isPositive();
      assertThat(toCollections - questions).isZero();
    }
  }

  static Set<String> union(Set<String> values, String... more) {
    Set<String> all = new LinkedHashSet<>(values);
    all.addAll(List.of(more));
    return all;
  }
}
