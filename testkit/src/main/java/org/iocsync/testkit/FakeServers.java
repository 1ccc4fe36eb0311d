package org.iocsync.testkit;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a fake MISP and a fake QRadar together, for chaos runs and manual trials in a separate
 * process:
 *
 * <pre>
 * java -cp testkit.jar:... org.iocsync.testkit.FakeServers --attributes 100000 --misp-port 8081
 * </pre>
 *
 * <p>It prints one {@code name=value} line per URL and credential ({@code misp.url}, {@code
 * misp.key}, {@code qradar.url}, {@code qradar.token}) and runs until stopped. Options: {@code
 * --misp-port N} and {@code --qradar-port N} (0, the default, picks free ports), {@code
 * --attributes N} seeded attributes (1000), {@code --seed N} (1), {@code --no-samples} to leave out
 * the hand-made sample events, {@code --misp-key KEY} and {@code --qradar-token TOKEN} to pin the
 * credentials, {@code --task-polls N} (3).
 */
public final class FakeServers implements AutoCloseable {
  private static final String USAGE =
      "Usage: FakeServers [--misp-port N] [--qradar-port N] [--attributes N] [--seed N]"
          + " [--no-samples] [--misp-key KEY] [--qradar-token TOKEN] [--task-polls N]";

  private final FakeMisp misp;
  private final FakeQradar qradar;
  private final int attributes;

  private FakeServers(FakeMisp misp, FakeQradar qradar, int attributes) {
    this.misp = misp;
    this.qradar = qradar;
    this.attributes = attributes;
  }

  /**
   * Starts both fakes with the options {@link FakeServers} describes.
   *
   * @throws IllegalArgumentException naming the bad option, with the usage line
   */
  public static FakeServers start(String... args) {
    FakeMisp.Builder misp = FakeMisp.builder();
    FakeQradar.Builder qradar = FakeQradar.builder();
    int attributes = 1000;
    long seed = 1;
    boolean samples = true;

    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--no-samples")) {
        samples = false;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value. " + USAGE);
      }
      String value = args[++i];
      switch (option) {
        case "--misp-port" -> misp.port(number(option, value, 0, 65535));
        case "--qradar-port" -> qradar.port(number(option, value, 0, 65535));
        case "--attributes" -> attributes = number(option, value, 0, 50_000_000);
        case "--seed" -> seed = number(option, value, 0, Integer.MAX_VALUE);
        case "--misp-key" -> misp.apiKey(value);
        case "--qradar-token" -> qradar.token(value);
        case "--task-polls" -> qradar.taskPolls(number(option, value, 1, Integer.MAX_VALUE));
        default -> throw new IllegalArgumentException("Unknown option " + option + ". " + USAGE);
      }
    }

    FakeMisp startedMisp = misp.requestLogLimit(100).start();
    FakeQradar startedQradar;
    try {
      startedQradar = qradar.requestLogLimit(100).start();
    } catch (RuntimeException e) {
      startedMisp.close();
      throw e;
    }
    if (samples) {
      startedMisp.addSamples();
    }
    startedMisp.seed(attributes, seed);
    return new FakeServers(startedMisp, startedQradar, attributes);
  }

  /** Starts both fakes, prints their URLs and credentials, and runs until the process ends. */
  public static void main(String[] args) throws InterruptedException {
    FakeServers servers;
    try {
      servers = start(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(servers::close, "fake-servers-shutdown"));
    System.out.print(servers.summary());
    System.out.println("Running; stop with Ctrl-C.");
    System.out.flush();
    new CountDownLatch(1).await();
  }

  /** The fake MISP. */
  public FakeMisp misp() {
    return misp;
  }

  /** The fake QRadar. */
  public FakeQradar qradar() {
    return qradar;
  }

  /** The lines {@link #main} prints: URLs, credentials and the number of attributes. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "misp.url=%s%nmisp.key=%s%nmisp.attributes=%d%nqradar.url=%s%nqradar.token=%s%n",
        misp.url(),
        misp.apiKey(),
        misp.attributeCount(),
        qradar.url(),
        qradar.token());
  }

  /** Stops both fakes. */
  @Override
  public void close() {
    misp.close();
    qradar.close();
  }

  @Override
  public String toString() {
    return "FakeServers[" + misp.url() + ", " + qradar.url() + ", " + attributes + " seeded]";
  }

  private static int number(String option, String value, int min, int max) {
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below with the allowed range.
    }
    throw new IllegalArgumentException(
        option
            + " must be a whole number from "
            + min
            + " to "
            + max
            + ", was "
            + value
            + ". "
            + USAGE);
  }
}
