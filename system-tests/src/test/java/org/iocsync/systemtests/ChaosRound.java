package org.iocsync.systemtests;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.Fault;
import org.iocsync.testkit.Faults;

/**
 * One chaos round: seeds a fake MISP, runs the jar a few times with random faults on both fakes and
 * a random SIGKILL, changing MISP's data between runs, then runs it twice cleanly and compares
 * every reference set with what {@link Oracle} computes. Every choice comes from the round's seed.
 */
final class ChaosRound {
  private static final Duration CHAOS_DEADLINE = Duration.ofSeconds(20);
  private static final Duration CLEAN_DEADLINE = Duration.ofSeconds(120);
  private static final double[] FAULT_PROBABILITIES = {0, 0.03, 0.08, 0.15, 0.25};
  private static final List<Fault> FAULTS =
      List.of(
          Fault.serverError(),
          Fault.status(502),
          Fault.status(504),
          Fault.badGatewayHtml(),
          Fault.htmlPage(),
          Fault.unavailable(Duration.ofSeconds(1)),
          Fault.rateLimited(Duration.ofSeconds(1)),
          Fault.dropBeforeAnswer(),
          Fault.dropMidBody(),
          Fault.slowBody(256 * 1024),
          Fault.stall(Duration.ofMillis(1500)));
  private static final boolean SHARED_HAND_VALUES =
      Boolean.parseBoolean(System.getProperty("chaos.sharedHandValues", "true"));
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);

  /** What a round did and found. */
  record Outcome(
      long seed,
      boolean survived,
      String summary,
      long valuesChecked,
      long valuesLost,
      long valuesExtra,
      String failure) {}

  private final long seed;
  private final Path folder;
  private final JarRun jar;
  private final Random random;
  private final List<String> log = new ArrayList<>();
  private final Map<ChaosJob, Set<String>> handValues = new LinkedHashMap<>();
  private final Set<ChaosJob> handValuesLater = new HashSet<>();
  private final Map<ChaosJob, Set<String>> everDesired = new HashMap<>();
  private final List<String> secrets = new ArrayList<>();
  private int runs;
  private int killed;
  private long valuesChecked;
  private long valuesLost;
  private long valuesExtra;

  ChaosRound(long seed, Path folder, JarRun jar) {
    this.seed = seed;
    this.folder = folder;
    this.jar = jar;
    this.random = new Random(seed);
  }

  /** Runs the jar once on a small data set, without faults or kills; fails if it fails. */
  static void warmUp(JarRun jar, Path folder) throws IOException, InterruptedException {
    ChaosRound round = new ChaosRound(1, folder, jar);
    deleteRecursively(folder);
    Files.createDirectories(folder);
    try (FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start();
        FakeQradar qradar = FakeQradar.builder().requestLogLimit(0).start()) {
      new MispWorld(misp, round.random).seed(200, 4);
      Map<String, String> environment = round.configure(misp, qradar, ChaosJob.all(false), false);
      round.cleanRun("warm-up", true, qradar, environment);
    }
    deleteRecursively(folder);
  }

  /** Runs the round; a failure is reported in the outcome, with the folder kept for reading. */
  Outcome run() throws InterruptedException {
    long started = System.nanoTime();
    try {
      deleteRecursively(folder);
      Files.createDirectories(folder);
      play();
      if (!Boolean.getBoolean("chaos.keep")) {
        deleteRecursively(folder);
      }
      return outcome(started, true, "");
    } catch (AssertionError e) {
      return outcome(started, false, e.getMessage() + kept());
    } catch (IOException | RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      return outcome(started, false, "The round itself broke: " + trace + kept());
    }
  }

  private String kept() {
    return "\nThe round's files are kept in " + folder.toAbsolutePath();
  }

  private Outcome outcome(long started, boolean survived, String failure) {
    String summary =
        "seed "
            + seed
            + ": "
            + (survived ? "survived" : "FAILED")
            + " in "
            + Duration.ofNanos(System.nanoTime() - started).toMillis()
            + " ms, "
            + runs
            + " runs ("
            + killed
            + " killed), "
            + valuesChecked
            + " values checked, "
            + valuesLost
            + " lost, "
            + valuesExtra
            + " extra; "
            + String.join("; ", log);
    return new Outcome(seed, survived, summary, valuesChecked, valuesLost, valuesExtra, failure);
  }

  private void play() throws IOException, InterruptedException {
    boolean legacy = random.nextBoolean();
    boolean hashesAppend = random.nextInt(3) == 0;
    boolean secretsInEnvironment = random.nextBoolean();
    int attributes = 300 + random.nextInt(1701);
    int events = 4 + random.nextInt(13);
    int chaosRuns = 1 + random.nextInt(3);
    List<ChaosJob> jobs = ChaosJob.all(hashesAppend);
    log.add(
        (legacy ? "legacy" : "collections")
            + " API, "
            + attributes
            + " attributes in "
            + events
            + " events, hashes "
            + (hashesAppend ? "append" : "mirror")
            + ", secrets from "
            + (secretsInEnvironment ? "environment" : "files"));

    FakeQradar.Builder qradarBuilder = FakeQradar.builder().requestLogLimit(0);
    if (legacy) {
      qradarBuilder.versions("14.0", "15.0");
    }
    try (FakeMisp misp = FakeMisp.builder().requestLogLimit(0).start();
        FakeQradar qradar = qradarBuilder.start()) {
      MispWorld world = new MispWorld(misp, random);
      world.seed(attributes, events);
      Map<String, String> environment = configure(misp, qradar, jobs, secretsInEnvironment);
      for (ChaosJob job : jobs) {
        prepareSet(qradar, misp, world, job);
      }

      for (int i = 1; i <= chaosRuns; i++) {
        if (i > 1) {
          mutate(world, qradar, jobs);
        }
        beforeRun(misp, qradar, world, jobs);
        chaosRun(i, misp, qradar, environment);
      }

      mutate(world, qradar, jobs);
      beforeRun(misp, qradar, world, jobs);
      cleanRun("clean-incremental", false, qradar, environment);
      beforeRun(misp, qradar, world, jobs);
      cleanRun("clean-full", true, qradar, environment);

      for (ChaosJob job : jobs) {
        compare(qradar, misp, world, job);
      }
    }
  }

  private Map<String, String> configure(
      FakeMisp misp, FakeQradar qradar, List<ChaosJob> jobs, boolean secretsInEnvironment)
      throws IOException {
    Map<String, String> environment = new HashMap<>();
    secrets.add(misp.apiKey());
    secrets.add(qradar.token());
    String mispKey;
    String qradarToken;
    if (secretsInEnvironment) {
      environment.put("MISP_KEY", misp.apiKey());
      environment.put("QRADAR_TOKEN", qradar.token());
      mispKey = "";
      qradarToken = "";
    } else {
      Files.writeString(folder.resolve("misp.key"), misp.apiKey() + "\n");
      Files.writeString(folder.resolve("qradar.token"), qradar.token());
      mispKey = ", \"keyFile\": \"misp.key\"";
      qradarToken = ", \"tokenFile\": \"qradar.token\"";
    }
    Files.writeString(
        folder.resolve("ioc-sync.json"),
        """
        {"misp": {"url": "%s"%s},
         "qradar": {"url": "%s"%s},
         "jobs": [%s]}
        """
            .formatted(
                misp.url(),
                mispKey,
                qradar.url(),
                qradarToken,
                String.join(",\n  ", jobs.stream().map(ChaosJob::json).toList())));
    return environment;
  }

  /**
   * Most sets are made by hand before the first run and get two values by hand that MISP never
   * yields; the others are left for the job to create, and get theirs once they exist. A pre-made
   * set also gets by hand two values that MISP yields at the start, which must survive whatever
   * MISP does to them later ({@code -Dchaos.sharedHandValues=false} leaves them out).
   */
  private void prepareSet(FakeQradar qradar, FakeMisp misp, MispWorld world, ChaosJob job) {
    Set<String> hand = new TreeSet<>();
    handValues.put(job, hand);
    if (random.nextInt(10) >= 7) {
      handValuesLater.add(job);
      return;
    }
    qradar.createSet(job.referenceSet(), job.elementType());
    // Drawn whether or not they are used, so that a seed replays the same round either way.
    List<String> alsoInMisp = new ArrayList<>(new TreeSet<>(desired(misp, world, job)));
    List<String> shared = new ArrayList<>();
    for (int i = 0; i < 2 && !alsoInMisp.isEmpty(); i++) {
      shared.add(alsoInMisp.remove(random.nextInt(alsoInMisp.size())));
    }
    if (SHARED_HAND_VALUES) {
      hand.addAll(shared);
    }
    hand.add(world.handValue(family(job)));
    hand.add(world.handValue(family(job)));
    hand.forEach(value -> qradar.addByHand(job.referenceSet(), value));
  }

  private void mutate(MispWorld world, FakeQradar qradar, List<ChaosJob> jobs) {
    int changes = 1 + random.nextInt(40);
    log.add("changes " + world.mutate(changes));
    if (random.nextInt(4) == 0) {
      // Someone removes a value the job put there; a full run must send it again.
      ChaosJob job = jobs.get(random.nextInt(jobs.size()));
      if (qradar.set(job.referenceSet()).isPresent()) {
        List<String> owned = new ArrayList<>(qradar.values(job.referenceSet()));
        owned.removeAll(handValues.get(job));
        if (!owned.isEmpty()) {
          String value = owned.get(random.nextInt(owned.size()));
          qradar.removeByHand(job.referenceSet(), value);
          log.add("removed " + value + " from " + job.referenceSet() + " by hand");
        }
      }
    }
  }

  /** Adds late values by hand to sets the jobs created, and notes what MISP yields now. */
  private void beforeRun(FakeMisp misp, FakeQradar qradar, MispWorld world, List<ChaosJob> jobs) {
    for (ChaosJob job : jobs) {
      if (handValuesLater.contains(job) && qradar.set(job.referenceSet()).isPresent()) {
        handValuesLater.remove(job);
        Set<String> hand = handValues.get(job);
        hand.add(world.handValue(family(job)));
        hand.add(world.handValue(family(job)));
        hand.forEach(value -> qradar.addByHand(job.referenceSet(), value));
      }
      everDesired.computeIfAbsent(job, j -> new HashSet<>()).addAll(desired(misp, world, job));
    }
  }

  private void chaosRun(int number, FakeMisp misp, FakeQradar qradar, Map<String, String> env)
      throws IOException, InterruptedException {
    String mispFaults = schedule(misp.faults());
    String qradarFaults = schedule(qradar.faults());
    boolean full = random.nextInt(3) == 0;
    BooleanSupplier killNow;
    String kill;
    int mode = random.nextInt(10);
    if (mode < 4) {
      int delay = 300 + random.nextInt(4700);
      long at = System.nanoTime() + Duration.ofMillis(delay).toNanos();
      kill = "kill at " + delay + " ms";
      killNow = () -> System.nanoTime() >= at;
    } else if (mode < 8) {
      boolean onQradar = random.nextInt(3) != 0;
      int requests = 1 + random.nextInt(onQradar ? 30 : 8);
      int base = onQradar ? qradar.requestCount() : misp.requestCount();
      kill = "kill at " + (onQradar ? "QRadar" : "MISP") + " request " + requests;
      killNow =
          onQradar
              ? () -> qradar.requestCount() >= base + requests
              : () -> misp.requestCount() >= base + requests;
    } else {
      kill = "no kill";
      killNow = () -> false;
    }

    JarRun.Result result = launch("chaos-" + number, full, env, killNow, CHAOS_DEADLINE);
    misp.faults().clear();
    qradar.faults().clear();
    boolean tasksFinished = false;
    if (result.killed() && random.nextBoolean()) {
      // QRadar finishes the bulk tasks it accepted although their client is gone.
      qradar.finishTasks();
      tasksFinished = true;
    }
    log.add(
        "run "
            + number
            + (full ? " full" : " incremental")
            + ", MISP faults "
            + mispFaults
            + ", QRadar faults "
            + qradarFaults
            + ", "
            + kill
            + " -> "
            + (result.killed() ? "killed" : "exit " + result.exitCode())
            + " after "
            + result.took().toMillis()
            + " ms"
            + (tasksFinished ? ", tasks finished" : ""));
    if (!result.killed()) {
      checkSummary(result, false);
    }
    checkHandValues(qradar, result);
  }

  private void cleanRun(String name, boolean full, FakeQradar qradar, Map<String, String> env)
      throws IOException, InterruptedException {
    JarRun.Result result = launch(name, full, env, () -> false, CLEAN_DEADLINE);
    log.add(name + " -> exit " + result.exitCode() + " after " + result.took().toMillis() + " ms");
    if (result.killed()) {
      throw new AssertionError(
          name + " did not end within " + CLEAN_DEADLINE + "\n" + result.transcript());
    }
    checkSummary(result, true);
    checkHandValues(qradar, result);
  }

  private JarRun.Result launch(
      String name,
      boolean full,
      Map<String, String> env,
      BooleanSupplier killNow,
      Duration deadline)
      throws IOException, InterruptedException {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "sync",
                "--config",
                folder.resolve("ioc-sync.json").toString(),
                "--state-dir",
                folder.resolve("state").toString(),
                "--json"));
    if (full) {
      arguments.add("--full");
    }
    runs++;
    JarRun.Result result = jar.run(folder, name, arguments, env, killNow, deadline);
    if (result.killed()) {
      killed++;
    }
    checkNoSecrets(result);
    return result;
  }

  /**
   * Picks this run's fault schedule for one fake: a probability per request, and the kinds of fault
   * to draw from; returns it in words.
   */
  private String schedule(Faults faults) {
    double probability = FAULT_PROBABILITIES[random.nextInt(FAULT_PROBABILITIES.length)];
    if (probability == 0) {
      return "none";
    }
    List<Fault> chosen = new ArrayList<>();
    for (Fault fault : FAULTS) {
      if (random.nextBoolean()) {
        chosen.add(fault);
      }
    }
    if (chosen.isEmpty()) {
      chosen.add(FAULTS.get(random.nextInt(FAULTS.size())));
    }
    faults.randomly(random.nextLong(), probability, chosen.toArray(Fault[]::new));
    return (int) (probability * 100) + "% " + chosen;
  }

  /**
   * A run that ended by itself printed exactly one JSON summary with a status per job, and exit
   * code 0 exactly when every job succeeded; a clean run must have succeeded.
   */
  private void checkSummary(JarRun.Result result, boolean mustSucceed) {
    if (result.exitCode() != 0 && result.exitCode() != 1) {
      throw new AssertionError(
          result.name() + " exited with " + result.exitCode() + "\n" + result.transcript());
    }
    List<String> lines = result.out().lines().toList();
    Object parsed;
    try {
      parsed = lines.size() == 1 ? JSON.fromJson(lines.get(0)) : null;
    } catch (IOException e) {
      parsed = null;
    }
    if (!(parsed instanceof Map<?, ?> summary) || !(summary.get("jobs") instanceof List<?> list)) {
      throw new AssertionError(
          result.name() + " did not print one JSON summary\n" + result.transcript());
    }
    boolean allOk = true;
    for (Object job : list) {
      Object status = job instanceof Map<?, ?> map ? map.get("status") : null;
      if (!"ok".equals(status) && !"failed".equals(status)) {
        throw new AssertionError(result.name() + " printed a bad status\n" + result.transcript());
      }
      allOk &= "ok".equals(status);
    }
    if (list.size() != 3 || allOk != (result.exitCode() == 0)) {
      throw new AssertionError(
          result.name() + "'s exit code does not match its summary\n" + result.transcript());
    }
    if (mustSucceed && !allOk) {
      throw new AssertionError(result.name() + " failed without faults\n" + result.transcript());
    }
  }

  /** Neither the MISP key nor the QRadar token appears in anything a run printed. */
  private void checkNoSecrets(JarRun.Result result) {
    String printed = result.out() + result.err();
    for (String secret : secrets) {
      if (printed.contains(secret)) {
        // The transcript is left out of the message: it holds the secret.
        throw new AssertionError(
            result.name() + " printed the MISP key or the QRadar token: see its .out and .err");
      }
    }
  }

  /** Values put into a set by hand are never removed, whatever happens to MISP's copies. */
  private void checkHandValues(FakeQradar qradar, JarRun.Result after) {
    for (Map.Entry<ChaosJob, Set<String>> entry : handValues.entrySet()) {
      if (entry.getValue().isEmpty()) {
        continue;
      }
      Set<String> missing = new TreeSet<>(entry.getValue());
      missing.removeAll(qradar.values(entry.getKey().referenceSet()));
      if (!missing.isEmpty()) {
        valuesLost += missing.size();
        throw new AssertionError(
            "After "
                + after.name()
                + ", "
                + entry.getKey().referenceSet()
                + " lost values added by hand: "
                + missing
                + "\n"
                + after.transcript());
      }
    }
  }

  /**
   * After the clean full run a mirror job's set holds exactly what MISP yields and what was added
   * by hand; an append job's holds at least that, and nothing MISP never yielded.
   */
  private void compare(FakeQradar qradar, FakeMisp misp, MispWorld world, ChaosJob job) {
    Set<String> expected = new TreeSet<>(desired(misp, world, job));
    expected.addAll(handValues.get(job));
    Set<String> actual = new TreeSet<>(qradar.values(job.referenceSet()));
    Set<String> allowed = new HashSet<>(expected);
    if (job.append()) {
      allowed.addAll(everDesired.get(job));
    }

    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(allowed);
    valuesChecked += expected.size();
    valuesLost += missing.size();
    valuesExtra += extra.size();
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new AssertionError(
          job.referenceSet()
              + " ("
              + (job.append() ? "append" : "mirror")
              + ") differs from MISP after the clean full run: "
              + missing.size()
              + " missing "
              + first(missing)
              + ", "
              + extra.size()
              + " extra "
              + first(extra)
              + " of "
              + expected.size()
              + " expected");
    }
  }

  private static Set<String> desired(FakeMisp misp, MispWorld world, ChaosJob job) {
    return Oracle.desired(misp, world.eventIds(), job);
  }

  private static String family(ChaosJob job) {
    return switch (job.name()) {
      case "ips" -> "ip";
      case "domains" -> "name";
      default -> "hash";
    };
  }

  private static List<String> first(Set<String> values) {
    return values.stream().limit(10).toList();
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(each);
      }
    }
  }
}
