package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private SqliteStore open() {
    return open(SqliteStore.builder().stateDirectory(dir));
  }

  private SqliteStore open(SqliteStore.Builder builder) {
    SqliteStore store = builder.build();
    toClose.add(store);
    return store;
  }

  private Connection raw() throws SQLException {
    Connection connection =
        DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.DATABASE_FILE));
    toClose.add(connection);
    return connection;
  }

  @Test
  void savesJobsAndReadsThemBackAfterReopening() {
    JobSpec ips = TestJobs.ips("ips", "MISP IPs");
    JobSpec hashes =
        TestJobs.withCreation(
            TestJobs.withTypes(
                TestJobs.ips("hashes", "MISP hashes"), List.of("md5"), ElementType.ALNIC),
            true,
            "30 days");
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveJob(ips);
      store.saveJob(hashes);
      store.setPaused("hashes", true);
    }

    SqliteStore store = open();

    assertThat(store.jobs())
        .containsExactly(new StoredJob(hashes, true), new StoredJob(ips, false));
    assertThat(store.job("ips")).contains(new StoredJob(ips, false));
    assertThat(store.job("nope")).isEmpty();
  }

  @Test
  void replacingAJobKeepsItsPausedFlag() {
    SqliteStore store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    store.setPaused("ips", true);

    store.saveJob(TestJobs.withInterval(TestJobs.ips("ips", "set"), 30));

    assertThat(store.job("ips").orElseThrow().paused()).isTrue();
    assertThat(store.job("ips").orElseThrow().spec().intervalMinutes()).isEqualTo(30);
  }

  @Test
  void pausingAnUnknownJobNamesIt() {
    SqliteStore store = open();

    assertThatThrownBy(() -> store.setPaused("ghost", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ghost'");
  }

  @Test
  void deletingAJobDeletesItsLedgerAndHistory() {
    SqliteStore store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    long run = store.beginRun("ips", RunKind.FULL, Instant.now());
    store.stageAttributes("ips", List.of(new StagedAttribute("u1", "10.0.0.1", null, 1)));
    Plan plan = store.plan("ips", RunKind.FULL, SyncMode.MIRROR);
    store.applyPlan(run, "ips", RunKind.FULL, plan);
    store.confirmAdded(run, "ips", List.of("10.0.0.1"), List.of(), Instant.now());
    store.finishRun(run, "ips", RunOutcome.OK, null, Instant.now(), Instant.now(), true);

    assertThat(store.deleteJob("ips")).isTrue();
    store.saveJob(TestJobs.ips("ips", "set"));

    assertThat(store.syncState("ips")).isEqualTo(new SyncState(null, null, 0, 0, 0));
    assertThat(store.runs("ips", 10)).isEmpty();
    assertThat(store.recentValues("ips")).isEmpty();
    assertThat(store.deleteJob("ghost")).isFalse();
  }

  @Test
  void changingAJobsSetStartsItsLedgerAfreshAndChangingItsFilterForcesAFullRun() {
    SqliteStore store = open();
    JobSpec job = TestJobs.ips("ips", "set");
    store.saveJob(job);
    confirm(store, "ips", "10.0.0.1");
    Instant cursor = store.syncState("ips").cursor();

    store.saveJob(TestJobs.withInterval(job, 30));
    assertThat(store.syncState("ips").cursor()).isEqualTo(cursor);

    store.saveJob(TestJobs.withTags(job, List.of("malware")));
    assertThat(store.syncState("ips").cursor()).isNull();
    assertThat(store.syncState("ips").confirmed()).isEqualTo(1);

    store.saveJob(TestJobs.withSet(job, "other set", ElementType.IP));
    assertThat(store.syncState("ips").confirmed()).isZero();
  }

  private static void confirm(Store store, String job, String value) {
    Instant now = Instant.parse("2026-03-01T10:00:00Z");
    long run = store.beginRun(job, RunKind.FULL, now);
    store.stageAttributes(job, List.of(new StagedAttribute("u-" + value, value, null, 1)));
    store.applyPlan(run, job, RunKind.FULL, store.plan(job, RunKind.FULL, SyncMode.MIRROR));
    store.confirmAdded(run, job, List.of(value), List.of(), now);
    store.finishRun(run, job, RunOutcome.OK, null, now, now, true);
  }

  @Test
  void savesConnectionSettings() {
    SqliteStore store = open();
    ConnectionSettings qradar =
        new ConnectionSettings("https://qradar.example.org", "16.0", false, "-----BEGIN...");

    store.saveConnection(Server.QRADAR, qradar);
    store.saveConnection(
        Server.MISP, new ConnectionSettings("https://old.example.org", null, true, null));
    store.saveConnection(
        Server.MISP, new ConnectionSettings("https://misp.example.org", null, true, null));

    assertThat(store.connection(Server.QRADAR)).contains(qradar);
    assertThat(store.connection(Server.MISP))
        .contains(new ConnectionSettings("https://misp.example.org", null, true, null));
  }

  @Test
  void keepsSecretsEncryptedOnDisk() throws IOException {
    String key = "s3cr3t-MISP-key-0123456789abcdefghijklmn";
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveSecret("misp", key);
      assertThat(store.secret("misp")).contains(key);
    }

    SqliteStore store = open();

    assertThat(store.secret("misp")).contains(key);
    assertThat(store.secret("qradar")).isEmpty();
    for (Path file : Files.list(dir).toList()) {
      assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
          .as(file.toString())
          .doesNotContain(key);
    }
    assertThat(store.toString()).doesNotContain(key);
  }

  @Test
  void makesTheKeyFileReadableByItsOwnerOnly() throws IOException {
    open();

    Path keyFile = dir.resolve(SqliteStore.KEY_FILE);
    assertThat(Files.size(keyFile)).isEqualTo(KeyMaterial.KEY_BYTES);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");
  }

  @Test
  void refusesAKeyFileOthersMayRead() throws IOException {
    Path keyFile = dir.resolve(SqliteStore.KEY_FILE);
    Files.write(keyFile, new byte[KeyMaterial.KEY_BYTES]);
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("chmod 600")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
  }

  @Test
  void refusesAKeyFileOfTheWrongLength() throws IOException {
    Path keyFile = dir.resolve(SqliteStore.KEY_FILE);
    Files.write(keyFile, new byte[7]);
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("7 bytes")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
  }

  @Test
  void saysSoWhenSecretsDoNotDecryptWithTheKeySupplied() {
    byte[] key = new byte[KeyMaterial.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    try (SqliteStore store =
        SqliteStore.builder().stateDirectory(dir).keyMaterial(KeyMaterial.of(key)).build()) {
      store.saveSecret("qradar", "token-value");
    }
    key[0] ^= 1;

    SqliteStore store =
        open(SqliteStore.builder().stateDirectory(dir).keyMaterial(KeyMaterial.of(key)));

    assertThatThrownBy(() -> store.secret("qradar"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'qradar'")
        .hasMessageNotContaining("token-value")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
  }

  @Test
  void aSecretCopiedUnderAnotherNameDoesNotOpen() throws SQLException {
    SqliteStore store = open();
    store.saveSecret("misp", "misp-key");
    store.saveSecret("qradar", "qradar-token");

    try (Statement statement = raw().createStatement()) {
      statement.executeUpdate(
          "UPDATE secret SET sealed = (SELECT sealed FROM secret WHERE name = 'misp')"
              + " WHERE name = 'qradar'");
    }

    assertThatThrownBy(() -> store.secret("qradar")).isInstanceOf(StoreException.class);
    assertThat(store.secret("misp")).contains("misp-key");
  }

  @Test
  void keyMaterialNeverShowsItsBytes() {
    assertThat(KeyMaterial.of(new byte[KeyMaterial.KEY_BYTES]).toString())
        .isEqualTo("KeyMaterial{redacted}");
    assertThatThrownBy(() -> KeyMaterial.of(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void refusesAGarbageFileAndLeavesItAsItIs() throws IOException {
    byte[] garbage = new byte[8192];
    new SecureRandom().nextBytes(garbage);
    Files.write(dir.resolve(SqliteStore.DATABASE_FILE), garbage);

    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(SqliteStore.DATABASE_FILE)
        .hasMessageContaining("backup")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.CORRUPT);
    assertThat(Files.readAllBytes(dir.resolve(SqliteStore.DATABASE_FILE))).isEqualTo(garbage);
  }

  @Test
  void aDatabaseDamagedInsideGivesACorruptError() throws IOException {
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      for (int i = 0; i < 300; i++) {
        store.saveJob(TestJobs.ips("job-" + i, "a reference set with a longish name " + i));
      }
    }
    Path file = dir.resolve(SqliteStore.DATABASE_FILE);
    byte[] bytes = Files.readAllBytes(file);
    byte[] garbage = new byte[bytes.length - 8192];
    new SecureRandom().nextBytes(garbage);
    System.arraycopy(garbage, 0, bytes, 8192, garbage.length);
    Files.write(file, bytes);

    assertThatThrownBy(() -> open().jobs())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("damaged")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.CORRUPT);
  }

  @Test
  void refusesASecondStoreOnTheSameStateDirectory() {
    open();

    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("Another IOC Sync")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.LOCKED);
  }

  @Test
  void aDatabaseLockedByAnotherProgramGivesALockedErrorAndLosesNothing() throws SQLException {
    SqliteStore store =
        open(SqliteStore.builder().stateDirectory(dir).busyTimeout(Duration.ofMillis(100)));
    store.saveJob(TestJobs.ips("before", "set"));
    Connection other = raw();
    other.setAutoCommit(false);
    try (Statement statement = other.createStatement()) {
      statement.execute("CREATE TABLE squatter (x)");
    }

    assertThatThrownBy(() -> store.saveJob(TestJobs.ips("during", "set")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("locked by another program")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.LOCKED);
    assertThat(store.jobs()).extracting(StoredJob::name).containsExactly("before");

    other.rollback();
    store.saveJob(TestJobs.ips("after", "set"));
    assertThat(store.jobs()).extracting(StoredJob::name).containsExactly("after", "before");
  }

  @Test
  void refusesADatabaseFromANewerVersionNamingItsSchemaVersion() throws SQLException {
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveJob(TestJobs.ips("ips", "set"));
    }
    try (Connection connection = raw();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "INSERT INTO flyway_schema_history SELECT installed_rank + 100, '99', 'from the future',"
              + " type, 'V99__from_the_future.sql', checksum, installed_by, installed_on,"
              + " execution_time, success FROM flyway_schema_history WHERE version = '1'");
    }

    assertThatThrownBy(() -> open())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("knows up to version 2")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.NEWER_SCHEMA);
    try (Connection connection = raw();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM job")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void aFullDatabaseRollsBackTheFailedChangeAndKeepsWhatWasCommitted() throws SQLException {
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveJob(TestJobs.ips("ips", "set"));
    }
    long pages;
    try (Connection connection = raw();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA page_count")) {
      rows.next();
      pages = rows.getLong(1);
    }
    SqliteStore store = open(SqliteStore.builder().stateDirectory(dir).maxPageCount(pages + 2));
    store.stageAttributes("ips", attributes(0, 10));

    assertThatThrownBy(() -> store.stageAttributes("ips", attributes(10, 20_000)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("full")
        .hasMessageContaining("committed before is kept")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.DISK_FULL);

    assertThat(store.plan("ips", RunKind.FULL, SyncMode.MIRROR).fetched()).isEqualTo(10);
    assertThat(store.job("ips")).isPresent();
  }

  private static List<StagedAttribute> attributes(int from, int to) {
    List<StagedAttribute> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      batch.add(
          new StagedAttribute(
              "00000000-0000-4000-8000-" + String.format("%012d", i),
              "value number " + i + " of a rather long series",
              null,
              i));
    }
    return batch;
  }

  @Test
  void keepsABoundedRunHistoryAndRecentValues() {
    SqliteStore store =
        open(SqliteStore.builder().stateDirectory(dir).runHistoryLimit(3).recentValuesLimit(4));
    store.saveJob(TestJobs.ips("ips", "set"));
    Instant now = Instant.parse("2026-03-01T10:00:00Z");

    for (int i = 0; i < 5; i++) {
      long run = store.beginRun("ips", RunKind.INCREMENTAL, now.plusSeconds(i));
      store.confirmAdded(
          run, "ips", List.of("10.0.0." + (2 * i), "10.0.0." + (2 * i + 1)), List.of(), now);
      store.finishRun(run, "ips", RunOutcome.OK, null, now.plusSeconds(i), null, false);
    }

    assertThat(store.runs("ips", 10))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.added()).isEqualTo(2));
    assertThat(store.recentValues("ips"))
        .extracting(RecentValue::value)
        .containsExactly("10.0.0.9", "10.0.0.8", "10.0.0.7", "10.0.0.6");
  }

  @Test
  void marksARunThatNeverEndedAsInterruptedWhenTheJobRunsAgain() {
    SqliteStore store = open();
    store.saveJob(TestJobs.ips("ips", "set"));
    Instant start = Instant.parse("2026-03-01T10:00:00Z");
    long crashed = store.beginRun("ips", RunKind.FULL, start);
    store.confirmAdded(crashed, "ips", List.of("10.0.0.1"), List.of("bad"), start);

    long next = store.beginRun("ips", RunKind.INCREMENTAL, start.plusSeconds(60));

    List<RunRecord> runs = store.runs("ips", 10);
    assertThat(runs).extracting(RunRecord::id).containsExactly(next, crashed);
    assertThat(runs.get(0).outcome()).isEqualTo(RunOutcome.RUNNING);
    assertThat(runs.get(1).outcome()).isEqualTo(RunOutcome.INTERRUPTED);
    assertThat(runs.get(1).added()).isEqualTo(1);
    assertThat(runs.get(1).skippedByReason()).isEqualTo(Map.of(SkipReason.REJECTED, 1L));
    assertThat(store.recentRuns(1)).extracting(RunRecord::id).containsExactly(next);
  }

  @Test
  void refusesUseAfterClose() {
    SqliteStore store = SqliteStore.builder().stateDirectory(dir).build();
    store.close();

    assertThatThrownBy(store::jobs).isInstanceOf(IllegalStateException.class);
    assertThat(Arrays.asList(dir.toFile().list())).contains(SqliteStore.DATABASE_FILE);
  }
}
