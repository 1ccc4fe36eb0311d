package org.iocsync.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.LoggedRequest;

/**
 * Runs the end-to-end benchmarks, each in a JVM of its own with the heap its target allows, against
 * fakes served from this JVM on 127.0.0.1, and prints a table of figures and targets.
 *
 * <p>Arguments: {@code --scale F} multiplies every size (for a quick trial, such as {@code 0.1});
 * {@code --only NAME,...} runs only the named benchmarks, from {@code misp}, {@code qradar}, {@code
 * sync}, {@code changes}, {@code shared} and {@code status}. The exit code is 1 when a target is
 * missed.
 */
public final class BenchmarkSuite {
  /** How many QRadar requests the sync benchmark logs: enough to see an idle poll's. */
  private static final int IDLE_REQUEST_LOG = 16;

  /**
   * How many times the sync benchmark runs at a million attributes: its targets are judged on the
   * run with the median full sync, since the same code takes from 17 to 26 s on these machines.
   */
  private static final int LARGE_SYNC_RUNS = 3;

  private static final Set<String> BENCHMARKS =
      new LinkedHashSet<>(List.of("misp", "qradar", "sync", "changes", "shared", "status"));

  private final double scale;
  private final List<Row> rows = new ArrayList<>();

  private BenchmarkSuite(double scale) {
    this.scale = scale;
  }

  public static void main(String[] args) throws Exception {
    double scale = 1.0;
    Set<String> only = BENCHMARKS;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--scale") && i + 1 < args.length) {
        scale = Double.parseDouble(args[++i]);
      } else if (args[i].equals("--only") && i + 1 < args.length) {
        only = Set.copyOf(List.of(args[++i].split(",")));
      } else {
        usage();
      }
    }
    if (!BENCHMARKS.containsAll(only)) {
      usage();
    }
    BenchmarkSuite suite = new BenchmarkSuite(scale);
    if (only.contains("misp")) {
      suite.mispStream();
    }
    if (only.contains("qradar")) {
      suite.qradarBulk("LEGACY");
      suite.qradarBulk("COLLECTIONS");
    }
    if (only.contains("sync")) {
      suite.sync();
    }
    if (only.contains("changes")) {
      suite.qradarChanges();
    }
    if (only.contains("shared")) {
      suite.sharedReads();
    }
    if (only.contains("status")) {
      suite.statusUnderLoad();
    }
    System.exit(suite.printTable() ? 0 : 1);
  }

  private static void usage() {
    System.err.println(
        "usage: java -jar benchmarks.jar [--scale F] [--only NAME,...], names from "
            + String.join(",", BENCHMARKS));
    System.exit(2);
  }

  private int scaled(int count) {
    return Math.max(1, (int) Math.round(count * scale));
  }

  private void mispStream() throws Exception {
    int count = scaled(1_000_000);
    try (FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start()) {
      misp.seed(count);
      Map<String, Double> figures =
          ChildRun.run(
              "64m", MispStreamRun.class, misp.url(), misp.apiKey(), Integer.toString(count));
      String name = "MISP stream, " + count + " attributes, -Xmx64m";
      rows.add(Row.completed(name));
      rows.add(Row.figure(name, "attributes per second", figures.get("attributesPerSecond")));
      rows.add(Row.figure(name, "peak heap (MiB)", figures.get("heapPeakMib")));
    }
  }

  private void qradarBulk(String api) throws Exception {
    int count = scaled(1_000_000);
    int batchSize = 10_000;
    try (FakeQradar qradar = FakeQradar.builder().taskPolls(1).requestLogLimit(0).start()) {
      Map<String, Double> figures =
          ChildRun.run(
              "128m",
              QradarBulkRun.class,
              qradar.url(),
              qradar.token(),
              api,
              Integer.toString(count),
              Integer.toString(batchSize));
      String name = "QRadar bulk load, " + api.toLowerCase(Locale.ROOT) + ", " + count;
      rows.add(Row.completed(name + ", -Xmx128m"));
      rows.add(Row.figure(name, "values per second", figures.get("valuesPerSecond")));
      rows.add(Row.figure(name, "peak heap (MiB)", figures.get("heapPeakMib")));
    }
  }

  private void sync() throws Exception {
    SyncFigures small = syncAt(scaled(100_000));
    List<SyncFigures> largeRuns = new ArrayList<>();
    for (int run = 0; run < LARGE_SYNC_RUNS; run++) {
      largeRuns.add(syncAt(scaled(1_000_000)));
    }
    largeRuns.sort(Comparator.comparingDouble(run -> run.figure("full.seconds")));
    SyncFigures large = largeRuns.get(LARGE_SYNC_RUNS / 2);
    for (SyncFigures run : List.of(small, large)) {
      String full =
          "Full sync, "
              + run.count()
              + " attributes, -Xmx256m"
              + (run == large ? ", median of " + LARGE_SYNC_RUNS + " runs" : "");
      rows.add(Row.completed(full));
      rows.add(Row.figure(full, "seconds", run.figure("full.seconds")));
      if (run == large) {
        rows.add(Row.figure(full, "fastest run (s)", largeRuns.get(0).figure("full.seconds")));
        rows.add(
            Row.figure(
                full,
                "slowest run (s)",
                largeRuns.get(LARGE_SYNC_RUNS - 1).figure("full.seconds")));
      }
      rows.add(
          run == large
              ? Row.atLeast(full, "IOCs per second", run.figure("full.iocsPerSecond"), 50_000)
              : Row.figure(full, "IOCs per second", run.figure("full.iocsPerSecond")));
      rows.add(Row.figure(full, "values added", run.figure("full.added")));
      rows.add(Row.figure(full, "peak heap (MiB)", run.figure("full.heapPeakMib")));
      addTraffic(full, run.traffic().get("full"));
    }
    double largestPeak =
        largeRuns.stream().mapToDouble(run -> run.figure("full.heapPeakMib")).max().orElseThrow();
    rows.add(
        Row.atMost(
            "Full sync, highest peak heap",
            "growth " + small.count() + " to " + large.count() + " (MiB)",
            largestPeak - small.figure("full.heapPeakMib"),
            16));

    for (SyncFigures run : List.of(small, large)) {
      String first =
          "Incremental, first poll, " + run.changes() + " of " + run.count() + " values edited";
      rows.add(Row.figure(first, "seconds", run.figure("poll1.seconds")));
      rows.add(
          Row.figure(
              first,
              "% of the full run's time",
              100 * run.figure("poll1.seconds") / run.figure("full.seconds")));
      rows.add(Row.figure(first, "values added", run.figure("poll1.added")));
      rows.add(Row.figure(first, "values removed", run.figure("poll1.removed")));
      addTraffic(first, run.traffic().get("poll1"));
    }
    String polls =
        "Incremental, "
            + SyncRun.POLLS
            + " polls in one JVM, "
            + large.changes()
            + " of "
            + large.count()
            + " edited before each";
    double[] seconds = new double[SyncRun.POLLS];
    for (int poll = 1; poll <= SyncRun.POLLS; poll++) {
      seconds[poll - 1] = large.figure("poll" + poll + ".seconds");
    }
    Arrays.sort(seconds);
    double median = seconds[seconds.length / 2];
    double full = large.figure("full.seconds");
    rows.add(Row.figure(polls, "median seconds", median));
    rows.add(Row.atMost(polls, "median % of the full run's time", 100 * median / full, 2));
    rows.add(Row.figure(polls, "fastest % of the full run's time", 100 * seconds[0] / full));
    rows.add(
        Row.figure(
            polls, "slowest % of the full run's time", 100 * seconds[seconds.length - 1] / full));
    Traffic smallChanges = small.traffic().get("poll1");
    Traffic largeChanges = large.traffic().get("poll1");
    String growth = "Incremental, " + small.count() + " to " + large.count() + " values";
    rows.add(
        Row.atMost(
            growth,
            "requests, growth factor",
            (double) largeChanges.requests() / Math.max(1, smallChanges.requests()),
            1.25));
    rows.add(
        Row.atMost(
            growth,
            "bytes, growth factor",
            (double) largeChanges.bytes() / Math.max(1, smallChanges.bytes()),
            1.25));

    String idle = "Idle poll, " + large.count() + " values";
    Traffic idleTraffic = large.traffic().get("idle");
    rows.add(Row.figure(idle, "seconds", large.figure("idle.seconds")));
    rows.add(Row.atMost(idle, "HTTP requests", (double) idleTraffic.requests(), 3));
    rows.add(Row.atMost(idle, "QRadar writes", (double) large.idleWrites(), 0));
    addTraffic(idle, idleTraffic);
  }

  /**
   * What one full run, its incremental polls and an idle poll of {@code count} attributes measured.
   */
  private record SyncFigures(
      int count,
      int changes,
      Map<String, Double> figures,
      Map<String, Traffic> traffic,
      long idleWrites) {
    double figure(String key) {
      Double value = figures.get(key);
      if (value == null) {
        throw new IllegalStateException("The sync run did not report " + key);
      }
      return value;
    }
  }

  private SyncFigures syncAt(int count) throws Exception {
    int changes = Math.min(1_000, count);
    try (ScratchDirectory state = ScratchDirectory.create("ioc-sync-bench");
        FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start();
        FakeQradar qradar =
            FakeQradar.builder().taskPolls(1).requestLogLimit(IDLE_REQUEST_LOG).start()) {
      misp.seed(count);
      List<FakeMisp.Attribute> edited = firstAttributes(misp, changes);
      Map<String, Traffic> traffic = new LinkedHashMap<>();
      Traffic[] mark = {Traffic.of(misp, qradar)};
      String[] measuring = {"full"};
      Map<String, Double> figures =
          ChildRun.run(
              "256m",
              SyncRun.class,
              phase -> {
                traffic.put(measuring[0], Traffic.of(misp, qradar).minus(mark[0]));
                measuring[0] = phase;
                if (phase.startsWith("poll")) {
                  editValues(misp, edited, Integer.parseInt(phase.substring("poll".length())));
                }
                mark[0] = Traffic.of(misp, qradar);
              },
              misp.url(),
              misp.apiKey(),
              qradar.url(),
              qradar.token(),
              state.path().toString());
      Traffic idle = Traffic.of(misp, qradar).minus(mark[0]);
      traffic.put("idle", idle);
      List<LoggedRequest> logged = qradar.requests();
      long idleWrites =
          logged
              .subList(Math.max(0, logged.size() - (int) idle.qradarRequests()), logged.size())
              .stream()
              .filter(request -> !request.method().equals("GET"))
              .count();
      return new SyncFigures(count, changes, figures, traffic, idleWrites);
    }
  }

  private void qradarChanges() throws Exception {
    int count = scaled(1_000_000);
    int values = Math.min(1_000, count);
    Map<String, Double> figures =
        ChildRun.run(
            "1g", QradarChangesRun.class, Integer.toString(count), Integer.toString(values));
    for (String api : List.of("legacy", "collections")) {
      String name = "QRadar, " + values + " of a set of " + count + ", " + api;
      for (String[] call :
          new String[][] {
            {"present", "which are held"},
            {"presentByReading", "which are held, reading all"},
            {"removeAll", "remove them"},
            {"removeOneByOne", "remove them one by one"}
          }) {
        rows.add(
            Row.figure(
                name, call[1] + ": requests", figures.get(api + "." + call[0] + ".requests")));
        rows.add(
            Row.figure(name, call[1] + ": seconds", figures.get(api + "." + call[0] + ".seconds")));
      }
    }
  }

  private void sharedReads() throws Exception {
    int count = scaled(200_000);
    Map<String, Double> figures = SharedReadRun.measure(count);
    String name = "Five jobs, one tag filter, " + count + " attributes";
    for (String[] phase :
        new String[][] {
          {"alone", "one IP job"},
          {"separate", "five types, one by one"},
          {"shared", "five types, together"},
          {"separate-everything", "five of all types, one by one"},
          {"shared-everything", "five of all types, together"}
        }) {
      rows.add(
          Row.figure(name, phase[1] + ": MISP requests", figures.get(phase[0] + ".mispRequests")));
      rows.add(Row.figure(name, phase[1] + ": MISP bytes", figures.get(phase[0] + ".mispBytes")));
    }
    double oneRead = figures.get("separate-everything.mispBytes") / 5;
    rows.add(
        Row.atMost(
            name,
            "together: bytes per one job's read",
            figures.get("shared-everything.mispBytes") / oneRead,
            1.05));
  }

  private void statusUnderLoad() throws Exception {
    int count = scaled(1_000_000);
    try (ScratchDirectory scratch = ScratchDirectory.create("ioc-sync-bench-status");
        FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start();
        FakeQradar qradar = FakeQradar.builder().taskPolls(1).requestLogLimit(0).start()) {
      misp.seed(count);
      Map<String, Double> figures =
          ChildRun.run(
              "256m",
              StatusRun.class,
              misp.url(),
              misp.apiKey(),
              qradar.url(),
              qradar.token(),
              scratch.path().toString());
      String name = "Status call, 50 clients, full sync of " + count;
      rows.add(Row.completed(name));
      rows.add(Row.below(name, "p99 (ms)", figures.get("status.p99Ms"), 50));
      rows.add(Row.figure(name, "p50 (ms)", figures.get("status.p50Ms")));
      rows.add(Row.figure(name, "max (ms)", figures.get("status.maxMs")));
      rows.add(Row.figure(name, "calls", figures.get("status.count")));
      rows.add(Row.atMost(name, "errors", figures.get("status.errors"), 0));
      rows.add(Row.figure(name, "sync seconds", figures.get("sync.seconds")));
    }
  }

  /** The first {@code count} seeded attributes, as seeded. */
  private static List<FakeMisp.Attribute> firstAttributes(FakeMisp misp, int count) {
    List<FakeMisp.Attribute> first = new ArrayList<>(count);
    for (long event = 1; first.size() < count; event++) {
      for (FakeMisp.Attribute attribute : misp.attributes(event)) {
        if (first.size() == count) {
          break;
        }
        first.add(attribute);
      }
    }
    return first;
  }

  /**
   * Edits {@code attributes} before incremental poll {@code poll}: an odd poll gives them new
   * values named after it, an even one their seeded values back. Every poll thus changes each of
   * them, and its window holds only them, although the engine's overlap reads the last poll's edits
   * again.
   */
  private static void editValues(FakeMisp misp, List<FakeMisp.Attribute> attributes, int poll) {
    for (int i = 0; i < attributes.size(); i++) {
      FakeMisp.Attribute attribute = attributes.get(i);
      misp.editValue(
          attribute.uuid(),
          poll % 2 == 0 ? attribute.value() : "poll" + poll + "-" + i + ".example.org");
    }
  }

  private void addTraffic(String benchmark, Traffic traffic) {
    rows.add(Row.figure(benchmark, "MISP requests", (double) traffic.mispRequests()));
    rows.add(Row.figure(benchmark, "MISP bytes", (double) traffic.mispBytes()));
    rows.add(Row.figure(benchmark, "QRadar requests", (double) traffic.qradarRequests()));
    rows.add(Row.figure(benchmark, "QRadar bytes", (double) traffic.qradarBytes()));
  }

  /** Requests served and bytes sent by the two fakes, for one phase of a run. */
  private record Traffic(long mispRequests, long mispBytes, long qradarRequests, long qradarBytes) {
    static Traffic of(FakeMisp misp, FakeQradar qradar) {
      return new Traffic(
          misp.requestCount(), misp.bytesServed(), qradar.requestCount(), qradar.bytesServed());
    }

    long requests() {
      return mispRequests + qradarRequests;
    }

    long bytes() {
      return mispBytes + qradarBytes;
    }

    Traffic minus(Traffic earlier) {
      return new Traffic(
          mispRequests - earlier.mispRequests,
          mispBytes - earlier.mispBytes,
          qradarRequests - earlier.qradarRequests,
          qradarBytes - earlier.qradarBytes);
    }
  }

  private boolean printTable() {
    System.out.printf(
        Locale.ROOT,
        "%n%-48s %-36s %14s %12s %6s%n",
        "benchmark",
        "figure",
        "measured",
        "target",
        "holds");
    boolean all = true;
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-48s %-36s %14s %12s %6s%n",
          row.benchmark(),
          row.figure(),
          row.measured(),
          row.target(),
          row.verdict());
      all &= !row.verdict().equals("NO");
    }
    return all;
  }

  /** One line of the table: a figure, its target if it has one, and whether it holds. */
  private record Row(
      String benchmark, String figure, String measured, String target, String verdict) {
    static Row completed(String benchmark) {
      return new Row(benchmark, "completed", "yes", "yes", "yes");
    }

    static Row figure(String benchmark, String figure, Double value) {
      return new Row(benchmark, figure, format(value), "-", "-");
    }

    static Row atLeast(String benchmark, String figure, Double value, double target) {
      return new Row(
          benchmark, figure, format(value), "≥ " + format(target), value >= target ? "yes" : "NO");
    }

    static Row below(String benchmark, String figure, Double value, double target) {
      return new Row(
          benchmark, figure, format(value), "< " + format(target), value < target ? "yes" : "NO");
    }

    static Row atMost(String benchmark, String figure, Double value, double target) {
      return new Row(
          benchmark, figure, format(value), "≤ " + format(target), value <= target ? "yes" : "NO");
    }

    private static String format(double value) {
      return value >= 100
          ? String.format(Locale.ROOT, "%,.0f", value)
          : String.format(Locale.ROOT, "%.2f", value);
    }
  }
}
