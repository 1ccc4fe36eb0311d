package org.iocsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;

/**
 * Runs the end-to-end benchmarks, each in a JVM of its own with the heap its target allows, against
 * fakes served from this JVM on 127.0.0.1, and prints a table of figures and targets.
 *
 * <p>Arguments: {@code --scale F} multiplies every size (for a quick trial, such as {@code 0.1}).
 * The exit code is 1 when a target is missed.
 */
public final class BenchmarkSuite {
  private final double scale;
  private final List<Row> rows = new ArrayList<>();

  private BenchmarkSuite(double scale) {
    this.scale = scale;
  }

  public static void main(String[] args) throws Exception {
    double scale = 1.0;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--scale") && i + 1 < args.length) {
        scale = Double.parseDouble(args[++i]);
      } else {
        System.err.println("usage: java -jar benchmarks.jar [--scale F]");
        System.exit(2);
      }
    }
    BenchmarkSuite suite = new BenchmarkSuite(scale);
    suite.mispStream();
    suite.qradarBulk("LEGACY");
    suite.qradarBulk("COLLECTIONS");
    suite.sync();
    System.exit(suite.printTable() ? 0 : 1);
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
    int count = scaled(1_000_000);
    int changes = Math.min(1_000, count);
    Path state = Files.createTempDirectory("ioc-sync-bench");
    try (FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start();
        FakeQradar qradar = FakeQradar.builder().taskPolls(1).requestLogLimit(0).start()) {
      misp.seed(count);
      Map<String, Traffic> traffic = new LinkedHashMap<>();
      Traffic[] mark = {Traffic.of(misp, qradar)};
      Map<String, Double> figures =
          ChildRun.run(
              "256m",
              SyncRun.class,
              phase -> {
                Traffic now = Traffic.of(misp, qradar);
                traffic.put(
                    phase.equals("incremental") ? "full" : "incremental", now.minus(mark[0]));
                if (phase.equals("incremental")) {
                  editValues(misp, changes);
                }
                mark[0] = Traffic.of(misp, qradar);
              },
              misp.url(),
              misp.apiKey(),
              qradar.url(),
              qradar.token(),
              state.toString());
      traffic.put("idle", Traffic.of(misp, qradar).minus(mark[0]));

      String full = "Full sync, " + count + " attributes, -Xmx256m";
      rows.add(Row.completed(full));
      rows.add(Row.figure(full, "seconds", figures.get("full.seconds")));
      rows.add(Row.figure(full, "IOCs per second", figures.get("full.iocsPerSecond")));
      rows.add(Row.figure(full, "values added", figures.get("full.added")));
      rows.add(Row.figure(full, "peak heap (MiB)", figures.get("full.heapPeakMib")));
      addTraffic(full, traffic.get("full"));
      String incremental = "Incremental, " + changes + " values edited";
      rows.add(Row.figure(incremental, "seconds", figures.get("incremental.seconds")));
      rows.add(Row.figure(incremental, "values added", figures.get("incremental.added")));
      rows.add(Row.figure(incremental, "values removed", figures.get("incremental.removed")));
      addTraffic(incremental, traffic.get("incremental"));
      String idle = "Idle poll";
      rows.add(Row.figure(idle, "seconds", figures.get("idle.seconds")));
      addTraffic(idle, traffic.get("idle"));
    }
  }

  /** Gives {@code count} attributes of the first seeded events new values. */
  private static void editValues(FakeMisp misp, int count) {
    int edited = 0;
    for (long event = 1; edited < count; event++) {
      for (FakeMisp.Attribute attribute : misp.attributes(event)) {
        if (edited == count) {
          break;
        }
        misp.editValue(attribute.uuid(), "changed-" + edited + ".example.org");
        edited++;
      }
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
        "%n%-48s %-26s %14s %12s %6s%n",
        "benchmark",
        "figure",
        "measured",
        "target",
        "holds");
    boolean all = true;
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT,
          "%-48s %-26s %14s %12s %6s%n",
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
