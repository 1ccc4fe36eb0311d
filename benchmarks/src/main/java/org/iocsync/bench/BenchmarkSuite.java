package org.iocsync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.iocsync.testkit.FakeMisp;

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
    System.exit(suite.printTable() ? 0 : 1);
  }

  private int scaled(int count) {
    return Math.max(1, (int) Math.round(count * scale));
  }

  private void mispStream() throws Exception {
    int count = scaled(1_000_000);
    try (FakeMisp misp = FakeMisp.start()) {
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
