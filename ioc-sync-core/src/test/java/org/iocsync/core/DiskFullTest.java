package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fills a real, tiny file system. Mounting one needs root; elsewhere the test is skipped (the
 * store's page limit covers the same path in {@link SqliteStoreTest}).
 */
class DiskFullTest {
  @TempDir Path dir;

  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountTinyFileSystem() throws IOException, InterruptedException {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "skipped: mounting a small tmpfs needs root");
    mount = Files.createDirectory(dir.resolve("tiny"));
    mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()) == 0;
    assumeTrue(mounted, "skipped: this machine does not let the tests mount a tmpfs");
  }

  @AfterEach
  void unmount() throws IOException, InterruptedException {
    if (mounted) {
      run("umount", mount.toString());
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  @Test
  void aFullDiskGivesADiskFullErrorAndLosesNothingCommitted()
      throws IOException, InterruptedException {
    SqliteStore store = SqliteStore.builder().stateDirectory(mount).build();
    int committed = 0;
    try {
      store.saveJob(TestJobs.ips("ips", "set"));
      StoreException full = null;
      for (int batch = 0; batch < 1000 && full == null; batch++) {
        try {
          store.stageAttributes("ips", attributes(batch * 500, 500));
          committed += 500;
        } catch (StoreException e) {
          full = e;
        }
      }

      assertThat(full).isNotNull();
      assertThat(full.problem()).isEqualTo(StoreException.Problem.DISK_FULL);
      assertThat(full).hasMessageContaining("Free some space");
      assertThat(store.job("ips")).isPresent();
    } finally {
      closeQuietly(store);
    }

    assertThat(run("mount", "-o", "remount,size=16m", mount.toString())).isZero();
    try (SqliteStore reopened = SqliteStore.builder().stateDirectory(mount).build()) {
      assertThat(reopened.job("ips")).isPresent();
      assertThat(reopened.plan("ips", RunKind.FULL, SyncMode.MIRROR).fetched())
          .isEqualTo(committed);
    }
  }

  private static void closeQuietly(SqliteStore store) {
    try {
      store.close();
    } catch (StoreException e) {
      // Closing may need space for a checkpoint; what was committed is in the WAL file anyway.
    }
  }

  @Test
  void aStoreThatCannotStartOnAFullDiskSaysSo() throws IOException {
    Files.write(mount.resolve("filler"), new byte[1024 * 1024 - 8192]);

    KeyMaterial key = KeyMaterial.of(new byte[KeyMaterial.KEY_BYTES]);

    assertThatThrownBy(() -> SqliteStore.builder().stateDirectory(mount).keyMaterial(key).build())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is full")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.DISK_FULL);
  }

  private static List<StagedAttribute> attributes(int from, int count) {
    List<StagedAttribute> batch = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      batch.add(
          new StagedAttribute(
              String.format("00000000-0000-4000-8000-%012d", i),
              "a value long enough to fill a small disk quickly, number " + i,
              null,
              i));
    }
    return batch;
  }
}
