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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends StoreContractTest {
  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  @Override
  Store openStore() {
    return SqliteStore.builder().stateDirectory(dir).build();
  }

  @Override
  Store openStore(int runs, int values) {
    return SqliteStore.builder()
        .stateDirectory(dir)
        .runHistoryLimit(runs)
        .recentValuesLimit(values)
        .build();
  }

  @Override
  void sql(String statement) throws SQLException {
    try (Statement sql = raw().createStatement()) {
      sql.executeUpdate(statement);
    }
  }

  private SqliteStore sqlite() {
    return sqlite(SqliteStore.builder().stateDirectory(dir));
  }

  private SqliteStore sqlite(SqliteStore.Builder builder) {
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
  void upgradingFromSchemaVersion3KeepsEveryHolderFoundByItsValue() throws SQLException {
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveJob(TestJobs.ips("ips", "set"));
      long run = store.beginRun("ips", RunKind.FULL, NOW);
      store.stageAttributes(
          "ips",
          List.of(
              new StagedAttribute("u1", "10.0.0.1", null, 1),
              new StagedAttribute("u2", "10.0.0.2", null, 1),
              new StagedAttribute("u3", "10.0.0.2", null, 1)));
      store.applyPlan(run, "ips", RunKind.FULL, store.plan("ips", RunKind.FULL, SyncMode.MIRROR));
      store.confirmAdded(run, "ips", List.of("10.0.0.1", "10.0.0.2"), List.of(), NOW);
    }
    // Put the database back as version 3 left it, holders and all.
    for (String statement :
        List.of(
            "DROP TABLE holder_value",
            "CREATE INDEX holder_by_value ON holder (job, value)",
            "DROP INDEX ledger_pending",
            "CREATE INDEX ledger_by_state ON ledger (job, state, value)",
            "DROP TABLE stage_value",
            "CREATE TABLE stage_value (job TEXT NOT NULL, value TEXT NOT NULL,"
                + " PRIMARY KEY (job, value)) WITHOUT ROWID",
            "ALTER TABLE job_state DROP COLUMN unrecorded_adds",
            "DELETE FROM flyway_schema_history WHERE version IN ('4', '5')")) {
      sql(statement);
    }

    Store store = sqlite();
    long next = store.beginRun("ips", RunKind.INCREMENTAL, NOW.plusSeconds(60));
    store.stageAttributes(
        "ips",
        List.of(
            new StagedAttribute("u1", "10.0.0.9", null, 2),
            new StagedAttribute("u2", null, SkipReason.NOT_IDS, 2)));
    Plan plan = store.plan("ips", RunKind.INCREMENTAL, SyncMode.MIRROR);

    // 10.0.0.2 stays: u3 still holds it, which only the migrated holders can tell.
    assertThat(store.plannedValues("ips", Plan.Action.REMOVE, null, 10))
        .containsExactly("10.0.0.1");
    assertThat(store.plannedValues("ips", Plan.Action.ADD, null, 10)).containsExactly("10.0.0.9");
    assertThat(plan.desired()).isEqualTo(2);
    store.applyPlan(next, "ips", RunKind.INCREMENTAL, plan);
    assertThat(store.syncState("ips").pendingRemove()).isEqualTo(1);
  }

  @Test
  void keepsSecretsEncryptedOnDisk() throws IOException {
    String key = "s3cr3t-MISP-key-0123456789abcdefghijklmn";
    try (SqliteStore store = SqliteStore.builder().stateDirectory(dir).build()) {
      store.saveSecret("misp", key);
      assertThat(store.secret("misp")).contains(key);
    }

    SqliteStore store = sqlite();

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
    sqlite();

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

    assertThatThrownBy(() -> sqlite())
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

    assertThatThrownBy(() -> sqlite())
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
        sqlite(SqliteStore.builder().stateDirectory(dir).keyMaterial(KeyMaterial.of(key)));

    assertThatThrownBy(() -> store.secret("qradar"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'qradar'")
        .hasMessageNotContaining("token-value")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
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

    assertThatThrownBy(() -> sqlite())
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

    assertThatThrownBy(() -> sqlite().jobs())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("damaged")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.CORRUPT);
  }

  @Test
  void refusesASecondStoreOnTheSameStateDirectory() {
    sqlite();

    assertThatThrownBy(() -> sqlite())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("Another IOC Sync")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.LOCKED);
  }

  @Test
  void aDatabaseLockedByAnotherProgramGivesALockedErrorAndLosesNothing() throws SQLException {
    SqliteStore store =
        sqlite(SqliteStore.builder().stateDirectory(dir).busyTimeout(Duration.ofMillis(100)));
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

    assertThatThrownBy(() -> sqlite())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("knows up to version 5")
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
    SqliteStore store = sqlite(SqliteStore.builder().stateDirectory(dir).maxPageCount(pages + 2));
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

  @Test
  void aPlanCutShortAfterSettlingTheAttributesLeavesTheNextPlanWhole() throws SQLException {
    SqliteStore store = sqlite();
    store.saveJob(TestJobs.ips("ips", "set"));
    store.stageAttributes("ips", attributes(0, 10));
    sql(
        "CREATE TRIGGER cut_short BEFORE INSERT ON stage_value"
            + " BEGIN SELECT RAISE(ABORT, 'cut short'); END");

    assertThatThrownBy(() -> store.plan("ips", RunKind.FULL, SyncMode.MIRROR))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cut short");
    sql("DROP TRIGGER cut_short");

    Plan plan = store.plan("ips", RunKind.FULL, SyncMode.MIRROR);
    assertThat(plan.fetched()).isEqualTo(10);
    assertThat(plan.desired()).isEqualTo(10);
    assertThat(plan.toAdd()).isEqualTo(10);
    assertThat(store.plannedValues("ips", Plan.Action.ADD, null, 100))
        .containsExactlyElementsOf(
            attributes(0, 10).stream().map(StagedAttribute::value).sorted().toList());
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
  void closingKeepsTheDatabaseFileAndRefusesUse() {
    SqliteStore store = SqliteStore.builder().stateDirectory(dir).build();
    store.close();

    assertThatThrownBy(store::jobs).isInstanceOf(IllegalStateException.class);
    assertThat(Arrays.asList(dir.toFile().list())).contains(SqliteStore.DATABASE_FILE);
  }
}
