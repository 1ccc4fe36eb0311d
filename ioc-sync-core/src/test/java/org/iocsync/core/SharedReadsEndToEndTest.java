package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.Fault;
import org.iocsync.testkit.LoggedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs five jobs with the same tag filter together, from the fake MISP to the fake QRadar through
 * the real clients, and checks that they read MISP once and that each ends exactly as it does when
 * it runs alone against the same data.
 */
@Timeout(60)
class SharedReadsEndToEndTest {
  private static final String SHA256 =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final String SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

  @TempDir Path together;
  @TempDir Path alone;

  private @Nullable EndToEndRig shared;
  private @Nullable EndToEndRig single;

  @AfterEach
  void closeRigs() {
    for (EndToEndRig rig : new EndToEndRig[] {shared, single}) {
      if (rig != null) {
        rig.close();
      }
    }
  }

  static List<JobSpec> jobs() {
    return List.of(
        job("ips", "MISP IPs", ElementType.IP, "ip-src", "ip-dst", "ip-dst|port", "domain|ip"),
        job("domains", "MISP domains", ElementType.ALNIC, "domain", "hostname", "domain|ip"),
        job("hashes", "MISP hashes", ElementType.ALNIC, "md5", "sha1", "sha256"),
        job("urls", "MISP URLs", ElementType.ALNIC, "url"),
        job("everything", "MISP everything", ElementType.ALNIC));
  }

  private static JobSpec job(String name, String set, ElementType type, String... types) {
    return TestJobs.withTags(
        TestJobs.withTypes(TestJobs.ips(name, set), List.of(types), type), List.of("tlp:green"));
  }

  /** The same events in each rig: tagged, excluded, not for IDS, unpublished, deleted. */
  private static void populate(EndToEndRig rig) {
    long green = rig.addEvent(FakeMisp.event("green campaign").tags("tlp:green"));
    for (int i = 1; i <= 6; i++) {
      rig.misp.addAttribute(green, "ip-dst", "10.0.0." + i);
      rig.misp.addAttribute(green, "domain", "host" + i + ".example.com");
    }
    rig.misp.addAttribute(green, "ip-dst|port", "10.0.1.1|443");
    rig.misp.addAttribute(green, "domain|ip", "both.example.com|10.0.1.2");
    rig.misp.addAttribute(green, "hostname", "www.example.org");
    rig.misp.addAttribute(green, "md5", "d41d8cd98f00b204e9800998ecf8427e");
    rig.misp.addAttribute(green, "sha1", SHA1);
    rig.misp.addAttribute(green, "sha256", SHA256);
    rig.misp.addAttribute(green, "url", "https://bad.example.com/a");
    rig.misp.addAttribute(green, "url", "https://bad.example.com/b");
    rig.misp.addAttribute(green, "email-src", "phish@example.com");
    rig.misp.addAttribute(green, FakeMisp.attribute("ip-dst", "10.0.2.1").tags("tlp:red"));
    rig.misp.addAttribute(green, FakeMisp.attribute("domain", "quiet.example.com").toIds(false));
    String gone = rig.misp.addAttribute(green, "ip-src", "10.0.2.2");
    rig.misp.deleteAttribute(gone);

    long amber = rig.addEvent(FakeMisp.event("amber campaign").tags("tlp:amber"));
    rig.misp.addAttribute(amber, "ip-dst", "10.9.0.1");
    rig.misp.addAttribute(amber, "url", "https://amber.example.com/");

    long draft = rig.addEvent(FakeMisp.event("draft").tags("tlp:green").published(false));
    rig.misp.addAttribute(draft, "ip-dst", "10.8.0.1");
    rig.misp.addAttribute(draft, "md5", "0cc175b9c0f1b6a831c399e269772661");
  }

  private EndToEndRig rig(Path dir, List<JobSpec> jobs) {
    EndToEndRig rig = new EndToEndRig(dir, ReferenceApi.LEGACY);
    populate(rig);
    for (JobSpec job : jobs) {
      rig.sync().defineJob(job);
    }
    return rig;
  }

  /** How many MISP requests each job made in its last run alone. */
  private final Map<String, Integer> aloneRequests = new LinkedHashMap<>();

  /** Each job run alone in its own rig with the same data: what the shared runs must match. */
  private Map<String, RunReport> runAlone(List<JobSpec> jobs, RunKind kind) {
    EndToEndRig rig = single == null ? rig(alone, jobs) : single;
    single = rig;
    rig.later();
    Map<String, RunReport> reports = new LinkedHashMap<>();
    for (JobSpec job : jobs) {
      int before = rig.misp.requestCount();
      reports.put(job.name(), rig.sync().run(job.name(), kind));
      aloneRequests.put(job.name(), rig.misp.requestCount() - before);
    }
    return reports;
  }

  @Test
  void fiveJobsWithTheSameTagFilterReadMispOnceAndEndAsEachAlone() {
    List<JobSpec> jobs = jobs();
    EndToEndRig rig = rig(together, jobs);
    shared = rig;
    Map<String, RunReport> reference = runAlone(jobs, RunKind.FULL);
    rig.misp.clearRequests();
    int before = rig.misp.requestCount();

    rig.later();
    List<RunReport> reports = rig.sync().runAll(RunKind.FULL);

    assertSameAsAlone(reports, reference);
    assertThat(searches(rig)).hasSize(1);
    // The job of every type asks alone what the five ask together.
    int requests = rig.misp.requestCount() - before;
    assertThat(requests).isEqualTo(aloneRequests.get("everything"));
    assertThat(requests)
        .isLessThan(aloneRequests.values().stream().mapToInt(Integer::intValue).sum() / 2);
    assertThat(reports.get(0).skippedByReason()).doesNotContainKey(SkipReason.TYPE_MISMATCH);
  }

  @Test
  void incrementalRunsOfJobsThatRanTogetherShareEachQuestion() {
    List<JobSpec> jobs = jobs();
    EndToEndRig rig = rig(together, jobs);
    shared = rig;
    runAlone(jobs, RunKind.FULL);
    rig.later();
    rig.sync().runAll(RunKind.FULL);
    Consumer<EndToEndRig> change =
        r -> {
          long event = r.addEvent(FakeMisp.event("new campaign").tags("tlp:green"));
          r.misp.addAttribute(event, "ip-dst", "10.7.0.1");
          r.misp.addAttribute(event, "url", "https://new.example.com/");
        };
    change.accept(rig);
    change.accept(requireNonNull(single));
    rig.misp.clearRequests();

    Map<String, RunReport> reference = runAlone(jobs, RunKind.INCREMENTAL);
    rig.later();
    List<RunReport> reports = rig.sync().runAll(RunKind.INCREMENTAL);

    assertThat(reports).allSatisfy(r -> assertThat(r.kind()).isEqualTo(RunKind.INCREMENTAL));
    assertSameAsAlone(reports, reference);
    assertThat(searches(rig)).hasSize(2);
    assertThat(rig.values("MISP IPs")).contains("10.7.0.1");
    assertThat(rig.values("MISP URLs")).contains("https://new.example.com/");
  }

  @Test
  void failureInTheMiddleOfTheSharedReadIsRetriedByEachJob() {
    List<JobSpec> jobs = jobs();
    EndToEndRig rig = rig(together, jobs);
    shared = rig;
    Map<String, RunReport> reference = runAlone(jobs, RunKind.FULL);
    rig.misp.clearRequests();
    rig.misp.faults().onRequest(4, Fault.serverError());

    rig.later();
    List<RunReport> reports = rig.sync().runAll(RunKind.FULL);

    assertThat(rig.misp.faults().injectedCount()).isEqualTo(1);
    assertSameAsAlone(reports, reference);
    assertThat(firstPages(rig)).isEqualTo(1 + jobs.size());
  }

  @Test
  void jobSlowToWriteDoesNotHoldTheOthersBack() throws Exception {
    List<JobSpec> jobs = jobs();
    EndToEndRig rig = rig(together, jobs);
    shared = rig;
    Map<String, RunReport> reference = runAlone(jobs, RunKind.FULL);
    CountDownLatch othersDone = new CountDownLatch(jobs.size() - 1);
    AtomicInteger waited = new AtomicInteger();
    rig.restart(
        rig.misp.apiKey(),
        rig.qradar.token(),
        target ->
            new ForwardingTarget(target) {
              @Override
              public AddResult add(String set, List<String> values) {
                if (set.equals("MISP hashes") && waited.getAndIncrement() == 0) {
                  await(othersDone);
                }
                return super.add(set, values);
              }
            });
    rig.sync()
        .addListener(
            new RunListener() {
              @Override
              public void runFinished(RunReport report) {
                if (!report.job().equals("hashes")) {
                  othersDone.countDown();
                }
              }
            });
    rig.misp.clearRequests();

    rig.later();
    List<RunReport> reports = rig.sync().runAll(RunKind.FULL);

    assertThat(waited.get()).isPositive();
    assertSameAsAlone(reports, reference);
    assertThat(searches(rig)).hasSize(1);
  }

  @Test
  void pausedAndRemovedJobsAreLeftOut() {
    List<JobSpec> jobs = jobs();
    EndToEndRig rig = rig(together, jobs);
    shared = rig;
    List<JobSpec> running = List.of(jobs.get(0), jobs.get(2), jobs.get(4));
    Map<String, RunReport> reference = runAlone(running, RunKind.FULL);
    rig.sync().pause("domains");
    rig.sync().removeJob("urls");
    rig.misp.clearRequests();

    rig.later();
    List<RunReport> reports = rig.sync().runAll(RunKind.FULL);

    assertSameAsAlone(reports, reference);
    assertThat(searches(rig)).hasSize(1);
    assertThat(rig.values("MISP domains")).isEmpty();
    assertThat(rig.values("MISP URLs")).isEmpty();
  }

  @Test
  void jobThatFailsBeforeReadingDoesNotHoldTheOthersBack() {
    List<JobSpec> jobs = jobs();
    JobSpec unmade = TestJobs.withCreation(jobs.get(3), false, null);
    EndToEndRig rig = rig(together, List.of(jobs.get(0), jobs.get(1), unmade));
    shared = rig;
    Map<String, RunReport> reference = runAlone(List.of(jobs.get(0), jobs.get(1)), RunKind.FULL);
    rig.misp.clearRequests();

    rig.later();
    List<RunReport> reports =
        rig.sync().runTogether(List.of("ips", "urls", "domains"), RunKind.FULL);

    assertThat(reports.get(1).outcome()).isEqualTo(RunOutcome.FAILED);
    assertThat(reports.get(1).error()).contains("does not exist in QRadar");
    assertSameAsAlone(List.of(reports.get(0), reports.get(2)), reference);
    assertThat(searches(rig)).hasSize(1);
  }

  private void assertSameAsAlone(List<RunReport> reports, Map<String, RunReport> reference) {
    assertThat(reports.stream().map(RunReport::job))
        .containsExactlyInAnyOrderElementsOf(reference.keySet());
    for (RunReport report : reports) {
      RunReport expected = reference.get(report.job());
      assertThat(report.outcome()).as(report.job()).isEqualTo(RunOutcome.OK);
      assertThat(report.error()).as(report.job()).isNull();
      assertThat(counts(report)).as(report.job()).isEqualTo(counts(expected));
      String set =
          jobs().stream()
              .filter(j -> j.name().equals(report.job()))
              .findFirst()
              .orElseThrow()
              .referenceSet();
      assertThat(requireNonNull(shared).values(set))
          .as(report.job())
          .isNotEmpty()
          .isEqualTo(requireNonNull(single).values(set));
    }
  }

  private static List<Object> counts(RunReport report) {
    return List.of(
        report.kind(),
        report.fetched(),
        report.desired(),
        report.added(),
        report.removed(),
        report.skippedByReason());
  }

  /** The attribute searches MISP was asked, each once whatever its pages. */
  private static Set<String> searches(EndToEndRig rig) {
    return attributeSearches(rig).stream()
        .map(r -> r.body().replaceAll("\"page\":\\d+,\"limit\":\\d+", ""))
        .collect(Collectors.toSet());
  }

  /** How many times a search was started: requests for its first page. */
  private static long firstPages(EndToEndRig rig) {
    return attributeSearches(rig).stream()
        .filter(r -> r.body().contains("\"page\":1,\"limit\":" + EndToEndRig.PAGE_SIZE + ","))
        .count();
  }

  private static List<LoggedRequest> attributeSearches(EndToEndRig rig) {
    return rig.misp.requests().stream()
        .filter(r -> r.path().startsWith("/attributes/restSearch"))
        .toList();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the other jobs never ended");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static <T> T requireNonNull(@Nullable T value) {
    if (value == null) {
      throw new AssertionError("not set up");
    }
    return value;
  }
}
