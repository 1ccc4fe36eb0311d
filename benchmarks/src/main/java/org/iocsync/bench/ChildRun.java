package org.iocsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs one benchmark's main class in a JVM of its own and collects the figures it prints. */
final class ChildRun {
  private static final long TIMEOUT_MINUTES = 15;

  private ChildRun() {}

  /**
   * Runs {@code mainClass} with a heap of at most {@code maxHeap} (such as {@code "64m"}) and
   * returns its figures by key.
   *
   * @throws IllegalStateException when the run fails or exceeds its time
   */
  static Map<String, Double> run(String maxHeap, Class<?> mainClass, String... args)
      throws IOException, InterruptedException {
    return run(maxHeap, mainClass, phase -> {}, args);
  }

  /**
   * Runs {@code mainClass} like {@link #run(String, Class, String...)}; each time it prints {@code
   * READY phase} and waits, {@code onReady} is given the phase, and the run is then told to go on.
   */
  static Map<String, Double> run(
      String maxHeap, Class<?> mainClass, Consumer<String> onReady, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);

    Map<String, Double> figures = new LinkedHashMap<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(Figures.READY)) {
          onReady.accept(line.substring(Figures.READY.length()));
          in.write("go\n");
          in.flush();
        } else if (line.startsWith(Figures.PREFIX)) {
          String[] parts = line.substring(Figures.PREFIX.length()).split(" ");
          figures.put(parts[0], Double.parseDouble(parts[1]));
        } else {
          System.err.println(line);
        }
      }
    }
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(mainClass.getSimpleName() + " ran out of time");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          mainClass.getSimpleName() + " failed with exit code " + process.exitValue());
    }
    return figures;
  }
}
