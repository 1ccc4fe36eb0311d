package org.iocsync.systemtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starts the packaged {@code ioc-sync.jar} as a separate process, as an operator would, and ends it
 * with SIGKILL when told to.
 */
final class JarRun {
  /** Where webapp's {@code package} phase leaves the jar, seen from this module's folder. */
  private static final Path JAR = Path.of("..", "webapp", "target", "ioc-sync.jar");

  /**
   * Short-lived runs start faster on the client compiler alone, and several at once fit better in a
   * small heap with the serial collector; neither changes what the product does. The JVM's own
   * messages (such as class archive warnings) go to standard error, never into the JSON summary.
   */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xmx128m",
          "-Xlog:disable",
          "-Xlog:all=warning:stderr");

  private final Path jar;
  private final List<String> jvmOptions;

  /** How a finished or killed run ended, with everything it printed. */
  record Result(String name, boolean killed, int exitCode, Duration took, String out, String err) {
    /** The output of both streams, for messages. */
    String transcript() {
      return name
          + (killed ? " (killed)" : " (exit " + exitCode + ")")
          + "\n--- stdout\n"
          + out
          + "--- stderr (last 4000 characters)\n"
          + err.substring(Math.max(0, err.length() - 4000));
    }
  }

  private JarRun(Path jar, List<String> jvmOptions) {
    this.jar = jar;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /**
   * Runs a copy of the jar in {@code folder}, with the options above, so that a build rewriting the
   * jar meanwhile does not change it under the runs.
   *
   * @throws IllegalStateException saying how to build the jar, when it is missing
   */
  static JarRun copiedTo(Path folder) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(
          JAR.toAbsolutePath().normalize()
              + " does not exist: build it first (mvn -o package -pl webapp -am), or run mvn verify"
              + " from the root folder, which builds webapp before system-tests");
    }
    Path copy = folder.resolve("ioc-sync.jar");
    Files.createDirectories(folder);
    Files.copy(JAR, copy, StandardCopyOption.REPLACE_EXISTING);
    return new JarRun(copy, JVM_OPTIONS);
  }

  /** Also writes, when the run ends, the classes it loaded into the class data archive. */
  JarRun recordingClasses(Path archive) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-XX:ArchiveClassesAtExit=" + archive);
    return new JarRun(jar, options);
  }

  /** Also loads classes from the archive, which saves about a third of each start's CPU time. */
  JarRun sharingClasses(Path archive) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.add("-XX:SharedArchiveFile=" + archive);
    return new JarRun(jar, options);
  }

  /**
   * Runs the jar with {@code arguments} and {@code environment} added to this JVM's, writing its
   * output to {@code folder/name.out} and {@code .err}. Polls every few milliseconds; as soon as
   * {@code killNow} says so, or when {@code deadline} has passed, the process is killed with
   * SIGKILL.
   */
  Result run(
      Path folder,
      String name,
      List<String> arguments,
      Map<String, String> environment,
      BooleanSupplier killNow,
      Duration deadline)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(arguments);
    Path out = folder.resolve(name + ".out");
    Path err = folder.resolve(name + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);

    long started = System.nanoTime();
    long end = started + deadline.toNanos();
    Process process = builder.start();
    boolean killed = false;
    try {
      while (!process.waitFor(5, TimeUnit.MILLISECONDS)) {
        if (killNow.getAsBoolean() || System.nanoTime() > end) {
          // On Linux, destroyForcibly sends SIGKILL: no shutdown hook, no flush, no cleanup.
          process.destroyForcibly();
          process.waitFor();
          killed = true;
          break;
        }
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    return new Result(
        name,
        killed,
        killed ? -1 : process.exitValue(),
        took,
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
