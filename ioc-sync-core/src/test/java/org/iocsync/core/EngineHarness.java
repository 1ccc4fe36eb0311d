package org.iocsync.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A sync engine wired to a real SQLite store in a temporary directory and to the fakes, with a test
 * clock that retries move instead of sleeping. {@link #restart()} stands for a new process.
 */
final class EngineHarness implements AutoCloseable {
  final Path dir;
  final TestClock clock = new TestClock();
  final FakeMisp misp = new FakeMisp(clock);
  final FakeQradar qradar = new FakeQradar();
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final UnaryOperator<SyncEngine.Builder> configure;
  SqliteStore store;
  SyncEngine engine;

  EngineHarness(Path dir) {
    this(dir, UnaryOperator.identity());
  }

  EngineHarness(Path dir, UnaryOperator<SyncEngine.Builder> configure) {
    this.dir = dir;
    this.configure = configure;
    this.store = SqliteStore.builder().stateDirectory(dir).build();
    this.engine = engine();
  }

  private SyncEngine engine() {
    SyncEngine.Builder builder =
        SyncEngine.builder()
            .store(store)
            .source(misp)
            .target(qradar)
            .clock(clock)
            .random(new SplittableRandom(42))
            .sleeper(
                duration -> {
                  sleeps.add(duration);
                  clock.advance(duration);
                });
    return configure.apply(builder).build();
  }

  /** Closes the store and opens it again with a new engine, as a restarted process would. */
  void restart() {
    store.close();
    store = SqliteStore.builder().stateDirectory(dir).build();
    engine = engine();
  }

  RunReport run(String job, RunKind kind) {
    clock.advance(Duration.ofMinutes(10));
    return engine.run(job, kind);
  }

  RunReport dryRun(String job, RunKind kind) {
    clock.advance(Duration.ofMinutes(10));
    return engine.dryRun(job, kind);
  }

  /** Moves time on so that what a test changes next carries a later timestamp. */
  void later() {
    clock.advance(Duration.ofMinutes(10));
  }

  @Override
  public void close() {
    store.close();
  }
}
