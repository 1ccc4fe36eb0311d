package org.iocsync.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.iocsync.core.ElementType;
import org.iocsync.core.IocSync;
import org.iocsync.core.JobSpec;
import org.iocsync.core.MispIndicatorSource;
import org.iocsync.core.RunKind;
import org.iocsync.core.RunOutcome;
import org.iocsync.core.RunReport;
import org.iocsync.core.SyncMode;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.QradarClient;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;

/**
 * What five jobs with the same filter cost MISP when they read it together, against one job alone
 * and against the five reading one after another: full runs through {@link IocSync} with the real
 * engine, store and clients.
 *
 * <p>In a JVM of its own (the suite's {@link ChildRun}), with MISP's URL and key, QRadar's URL and
 * token and a state directory as arguments, it runs three phases, each told to begin by the suite:
 * {@code alone} (the IP job), {@code separate} (five jobs of different types, IPs, domains, URLs,
 * hashes and e-mail addresses, each alone) and {@code shared} (the five with {@link
 * IocSync#runAll}); then {@code separate-everything} and {@code shared-everything}, the same for
 * five jobs of every type (each a set of all indicators, as for five consumers). Each phase has a
 * fresh store and sets of its own, and reports its seconds, attributes read and heap peak. {@link
 * #measure} is the suite's side: it serves the fakes, counts MISP's requests and bytes between the
 * phases, and returns every figure. Run by itself with {@code --measure COUNT}, it prints them.
 */
public final class SharedReadRun {
  static final List<String> PHASES =
      List.of("alone", "separate", "shared", "separate-everything", "shared-everything");

  private SharedReadRun() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--measure")) {
      measure(Integer.parseInt(args[1]))
          .forEach((key, value) -> System.out.println(key + " " + Math.round(value * 1000) / 1e3));
      return;
    }
    MispClient misp = MispClient.builder().baseUrl(args[0]).apiKey(args[1]).build();
    QradarClient qradar =
        QradarClient.builder()
            .baseUrl(args[2])
            .token(args[3])
            .batchSize(10_000)
            .taskPollInterval(Duration.ofMillis(20))
            .build();
    Path state = Path.of(args[4]);
    for (String phase : PHASES) {
      try (IocSync sync =
          IocSync.builder()
              .source(new MispIndicatorSource(misp, 5_000))
              .qradar(qradar)
              .stateDirectory(state.resolve(phase))
              .batchSize(10_000)
              .build()) {
        List<JobSpec> jobs =
            phase.equals("alone")
                ? jobs(phase).subList(0, 1)
                : phase.endsWith("everything") ? everything(phase) : jobs(phase);
        for (JobSpec job : jobs) {
          sync.defineJob(job);
        }
        Figures.awaitPhase(phase);
        Figures.resetHeapPeak();
        long started = System.nanoTime();
        List<RunReport> reports =
            phase.startsWith("shared")
                ? sync.runAll(RunKind.FULL)
                : jobs.stream().map(job -> sync.run(job.name(), RunKind.FULL)).toList();
        double seconds = (System.nanoTime() - started) / 1e9;
        long fetched = 0;
        for (RunReport report : reports) {
          if (report.outcome() != RunOutcome.OK) {
            throw new IllegalStateException(report.job() + " failed: " + report.error());
          }
          fetched += report.fetched();
        }
        Figures.report(phase + ".seconds", seconds);
        Figures.report(phase + ".fetched", fetched);
        Figures.report(phase + ".heapPeakMib", Figures.heapPeakMib());
      }
    }
    Figures.awaitPhase("end");
  }

  /** Five jobs that exclude the same tag, each with sets named for the phase. */
  static List<JobSpec> jobs(String phase) {
    return List.of(
        job("ips", phase, ElementType.IP, "ip-dst", "ip-src", "ip-dst|port", "domain|ip"),
        job("domains", phase, ElementType.ALNIC, "domain", "hostname", "domain|ip"),
        job("urls", phase, ElementType.ALNIC, "url"),
        job("hashes", phase, ElementType.ALNIC, "md5", "sha1", "sha256", "filename|md5"),
        job("emails", phase, ElementType.ALNIC, "email-src"));
  }

  /** Five jobs of every type with the same filter, each with sets named for the phase. */
  static List<JobSpec> everything(String phase) {
    return List.of(
        job("all-1", phase, ElementType.ALNIC),
        job("all-2", phase, ElementType.ALNIC),
        job("all-3", phase, ElementType.ALNIC),
        job("all-4", phase, ElementType.ALNIC),
        job("all-5", phase, ElementType.ALNIC));
  }

  private static JobSpec job(String name, String phase, ElementType type, String... types) {
    return new JobSpec(
        name,
        "MISP " + name + " (" + phase + ")",
        type,
        List.of(types),
        List.of(),
        List.of(),
        List.of("tlp:red"),
        true,
        true,
        false,
        SyncMode.MIRROR,
        15,
        true,
        null);
  }

  /**
   * Serves {@code count} seeded attributes, runs the phases in a child JVM with a heap of 256 MiB,
   * and returns its figures with, for each phase, {@code PHASE.mispRequests} and {@code
   * PHASE.mispBytes}.
   */
  static Map<String, Double> measure(int count) throws IOException, InterruptedException {
    try (ScratchDirectory state = ScratchDirectory.create("ioc-sync-shared-read");
        FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start();
        FakeQradar qradar = FakeQradar.builder().taskPolls(1).requestLogLimit(0).start()) {
      misp.seed(count);
      Map<String, Double> traffic = new LinkedHashMap<>();
      String[] current = {""};
      long[] mark = {0, 0};
      Map<String, Double> figures =
          ChildRun.run(
              "256m",
              SharedReadRun.class,
              phase -> {
                if (!current[0].isEmpty()) {
                  traffic.put(current[0] + ".mispRequests", (double) misp.requestCount() - mark[0]);
                  traffic.put(current[0] + ".mispBytes", (double) misp.bytesServed() - mark[1]);
                }
                current[0] = phase;
                mark[0] = misp.requestCount();
                mark[1] = misp.bytesServed();
              },
              misp.url(),
              misp.apiKey(),
              qradar.url(),
              qradar.token(),
              state.path().toString());
      Map<String, Double> all = new LinkedHashMap<>(figures);
      all.putAll(traffic);
      return all;
    }
  }
}
