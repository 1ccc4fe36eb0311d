package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresCluster.Available.class)
@Timeout(60)
class PostgresStoreTest extends StoreContractTest {
  private static final Duration SHORT_LEASE = Duration.ofSeconds(1);

  @TempDir Path dir;

  private final KeyMaterial key = randomKey();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private PostgresCluster cluster;
  private String database;

  @BeforeEach
  void createDatabase(PostgresCluster cluster) throws SQLException {
    this.cluster = cluster;
    this.database = cluster.createDatabase();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
  }

  private static KeyMaterial randomKey() {
    byte[] bytes = new byte[KeyMaterial.KEY_BYTES];
    new SecureRandom().nextBytes(bytes);
    return KeyMaterial.of(bytes);
  }

  private PostgresStore.Builder builder() {
    return PostgresStore.builder()
        .url(cluster.url(database))
        .user(PostgresCluster.USER)
        .password(PostgresCluster.PASSWORD)
        .keyMaterial(key)
        .connectionTimeout(Duration.ofSeconds(2));
  }

  @Override
  Store openStore() {
    return builder().build();
  }

  @Override
  Store openStore(int runs, int values) {
    return builder().runHistoryLimit(runs).recentValuesLimit(values).build();
  }

  @Override
  void sql(String statement) throws SQLException {
    try (Connection connection = cluster.connect(database);
        Statement sql = connection.createStatement()) {
      sql.executeUpdate(statement);
    }
  }

  private PostgresStore postgres(UnaryOperator<PostgresStore.Builder> configure) {
    PostgresStore store = configure.apply(builder()).build();
    toClose.add(store);
    return store;
  }

  private PostgresStore instance(String id) {
    return postgres(b -> b.instanceId(id).leaseDuration(SHORT_LEASE));
  }

  private TcpProxy proxy() throws IOException {
    TcpProxy proxy = new TcpProxy(cluster.port());
    toClose.add(proxy);
    return proxy;
  }

  private byte[] column(String query) throws SQLException {
    try (Connection connection = cluster.connect(database);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      StringBuilder all = new StringBuilder();
      while (rows.next()) {
        all.append(HexFormat.of().formatHex(rows.getBytes(1)));
      }
      return HexFormat.of().parseHex(all.toString());
    }
  }

  @Test
  void keepsSecretsAndTheKeyOutOfTheDatabase() throws SQLException {
    String secret = "s3cr3t-MISP-key-0123456789abcdefghijklmn";
    PostgresStore store = postgres(UnaryOperator.identity());

    store.saveSecret("misp", secret);

    byte[] sealed = column("SELECT sealed FROM secret UNION ALL SELECT sealed FROM key_check");
    String asText = new String(sealed, StandardCharsets.ISO_8859_1);
    assertThat(asText).doesNotContain(secret);
    assertThat(HexFormat.of().formatHex(sealed))
        .doesNotContain(HexFormat.of().formatHex(key.bytes()));
    assertThat(store.secret("misp")).contains(secret);
  }

  @Test
  void refusesAnInstanceGivenAnotherKeyAtOnce() {
    postgres(UnaryOperator.identity()).saveSecret("qradar", "token-value");
    KeyMaterial other = randomKey();

    assertThatThrownBy(() -> postgres(b -> b.keyMaterial(other)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("key of the first one")
        .hasMessageNotContaining("token-value")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
  }

  @Test
  void readsTheKeyFromAFileOrBase64Text() throws IOException {
    Path keyFile = dir.resolve("secret.key");
    Files.write(keyFile, key.bytes());
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    postgres(b -> b.keyFile(keyFile)).saveSecret("misp", "from-file");

    PostgresStore store =
        postgres(b -> b.keyBase64(Base64.getEncoder().encodeToString(key.bytes()) + "\n"));

    assertThat(store.secret("misp")).contains("from-file");
  }

  @Test
  void saysHowToMakeAMissingKeyFileAndNeverMakesOne() {
    Path keyFile = dir.resolve("missing.key");

    assertThatThrownBy(() -> postgres(b -> b.keyFile(keyFile)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("copy the file from the first instance")
        .hasMessageContaining("head -c 32 /dev/urandom")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.SECRET_KEY);
    assertThat(keyFile).doesNotExist();
  }

  @Test
  void refusesKeyTextThatIsNotBase64OfThirtyTwoBytesWithoutRepeatingIt() {
    assertThatThrownBy(() -> PostgresStore.builder().keyBase64("not base64 at all!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not Base64")
        .hasMessageNotContaining("not base64 at all");
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> PostgresStore.builder().keyBase64(short16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes instead of 32")
        .hasMessageNotContaining(short16);
  }

  @Test
  void needsAPostgresUrlAndAKeyAndNeverShowsTheUrlsQuery() {
    assertThatThrownBy(() -> PostgresStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("url()");
    assertThatThrownBy(() -> PostgresStore.builder().url(cluster.url(database)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyFile()");
    assertThatThrownBy(
            () -> PostgresStore.builder().url("jdbc:mysql://db/iocsync?password=hunter2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void refusesAWrongPasswordWithoutShowingIt() {
    assertThatThrownBy(() -> postgres(b -> b.password("wrong-password-0451")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refused the user or password")
        .hasMessageNotContaining("wrong-password-0451")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.IO);
  }

  @Test
  void readsThePasswordFromAFile() throws IOException {
    Path passwordFile = dir.resolve("db.password");
    Files.writeString(passwordFile, PostgresCluster.PASSWORD + "\n");

    PostgresStore store = postgres(b -> b.passwordFile(passwordFile));

    assertThat(store.jobs()).isEmpty();
    assertThatThrownBy(() -> postgres(b -> b.passwordFile(dir.resolve("none"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("password file");
  }

  @Test
  void saysSoWhenTheDatabaseCannotBeReached() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String url = PostgresCluster.url(closed, "iocsync") + "?password=hunter2";
    long start = System.nanoTime();

    assertThatThrownBy(() -> postgres(b -> b.url(url)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("Cannot reach the database jdbc:postgresql://127.0.0.1:" + closed)
        .hasMessageNotContaining("hunter2")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.IO);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void saysSoWhenTheDatabaseDoesNotExist() {
    assertThatThrownBy(() -> postgres(b -> b.url(cluster.url("no_such_database"))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("CREATE DATABASE");
  }

  @Test
  void saysSoWhenTheUserMayNotMakeTheTables() throws SQLException {
    String user = "reader_" + database;
    sql("CREATE ROLE " + user + " LOGIN PASSWORD 'reader-password'");

    assertThatThrownBy(() -> postgres(b -> b.user(user).password("reader-password")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("may not do what IOC Sync needs")
        .hasMessageContaining("owner of the database")
        .hasMessageNotContaining("reader-password");
  }

  @Test
  void refusesADatabaseFromANewerVersionNamingItsSchemaVersion() throws SQLException {
    postgres(UnaryOperator.identity()).saveJob(TestJobs.ips("ips", "set"));
    sql(
        "INSERT INTO flyway_schema_history SELECT installed_rank + 100, '99', 'from the future',"
            + " type, 'V99__from_the_future.sql', checksum, installed_by, installed_on,"
            + " execution_time, success FROM flyway_schema_history WHERE version = '1'");

    assertThatThrownBy(() -> postgres(UnaryOperator.identity()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("knows up to version 2.1")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.NEWER_SCHEMA);
  }

  @Test
  void instancesSeeTheSameJobsAndHistoryWhichNamesTheInstanceOfEachRun() {
    PostgresStore a = instance("sync-a");
    PostgresStore b = instance("sync-b");
    a.saveJob(TestJobs.ips("ips", "set"));

    long run = b.beginRun("ips", RunKind.FULL, NOW);
    b.finishRun(run, "ips", RunOutcome.OK, null, NOW, NOW, true);

    assertThat(a.jobs()).extracting(StoredJob::name).containsExactly("ips");
    assertThat(a.runs("ips", 1)).extracting(RunRecord::instance).containsExactly("sync-b");
    assertThat(a.instanceId()).isEqualTo("sync-a");
    assertThat(a.toString()).contains("sync-a").doesNotContain(PostgresCluster.PASSWORD);
  }

  @Test
  void aLeaseKeepsOtherInstancesOffAJobUntilItIsReleased() {
    PostgresStore a = instance("sync-a");
    PostgresStore b = instance("sync-b");
    a.saveJob(TestJobs.ips("ips", "set"));
    a.saveJob(TestJobs.ips("other", "set 2"));

    JobLease lease = a.leases().acquire("ips");

    assertThatThrownBy(() -> b.leases().acquire("ips"))
        .isInstanceOf(JobBusyException.class)
        .hasMessageContaining("'sync-a'")
        .satisfies(e -> assertThat(((JobBusyException) e).holder()).isEqualTo("sync-a"))
        .satisfies(
            e -> assertThat(((JobBusyException) e).retryAfter()).isLessThanOrEqualTo(SHORT_LEASE));
    assertThatThrownBy(() -> a.leases().acquire("ips")).isInstanceOf(JobBusyException.class);
    b.leases().release(b.leases().acquire("other"));
    assertThat(lease.held()).isTrue();

    a.leases().release(lease);

    assertThat(lease.held()).isFalse();
    JobLease taken = b.leases().acquire("ips");
    assertThat(taken.held()).isTrue();
    assertThat(taken.token()).isNotEqualTo(lease.token());
    assertThatThrownBy(() -> b.leases().acquire("ghost"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void instancesTakingAndGivingUpOneLeaseAtOnceNeverHoldItTogether() throws Exception {
    List<PostgresStore> stores =
        List.of(instance("sync-a"), instance("sync-b"), instance("sync-c"));
    stores.get(0).saveJob(TestJobs.ips("ips", "set"));
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger taken = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(6);
    List<Future<?>> work = new ArrayList<>();

    for (int t = 0; t < 6; t++) {
      PostgresStore store = stores.get(t % 3);
      work.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 25; i++) {
                  JobLease lease = tryAcquire(store, "ips");
                  if (lease != null) {
                    most.accumulateAndGet(holders.incrementAndGet(), Math::max);
                    taken.incrementAndGet();
                    holders.decrementAndGet();
                    store.leases().release(lease);
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> future : work) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(most.get()).isEqualTo(1);
    assertThat(taken.get()).isGreaterThan(6);
  }

  @Test
  void aLeaseIsRenewedForAsLongAsItsHolderKeepsIt() {
    PostgresStore a = instance("sync-a");
    PostgresStore b = instance("sync-b");
    a.saveJob(TestJobs.ips("ips", "set"));
    JobLease lease = a.leases().acquire("ips");
    long end = System.nanoTime() + SHORT_LEASE.multipliedBy(3).toNanos();

    while (System.nanoTime() < end) {
      assertThatThrownBy(() -> b.leases().acquire("ips")).isInstanceOf(JobBusyException.class);
      assertThat(lease.held()).isTrue();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  @Test
  void closingAStoreGivesItsLeasesUp() {
    PostgresStore a = instance("sync-a");
    PostgresStore b = instance("sync-b");
    a.saveJob(TestJobs.ips("ips", "set"));
    JobLease lease = a.leases().acquire("ips");

    a.close();

    assertThat(lease.held()).isFalse();
    assertThat(b.leases().acquire("ips").held()).isTrue();
  }

  @Test
  void anInstanceThatLostTheDatabaseLosesItsLeaseAndCannotWriteForTheJobAfterwards()
      throws IOException {
    TcpProxy proxy = proxy();
    PostgresStore a =
        postgres(
            b ->
                b.url(PostgresCluster.url(proxy.port(), database))
                    .instanceId("sync-a")
                    .leaseDuration(SHORT_LEASE)
                    .connectionTimeout(Duration.ofMillis(500)));
    PostgresStore b = instance("sync-b");
    a.saveJob(TestJobs.ips("ips", "set"));
    JobLease lost = a.leases().acquire("ips");
    long run = a.beginRun("ips", RunKind.FULL, NOW);

    proxy.cut();
    long cutAt = System.nanoTime();
    JobLease taken = poll(() -> tryAcquire(b, "ips"));
    long takenAfter = System.nanoTime() - cutAt;
    assertThat(lost.held()).isFalse();
    proxy.heal();

    assertThat(takenAfter).isLessThan(SHORT_LEASE.multipliedBy(5).toNanos());
    assertThatThrownBy(
            () -> a.stageAttributes("ips", List.of(new StagedAttribute("u1", "10.0.0.1", null, 1))))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("'sync-a' lost its lease on job 'ips'")
        .hasMessageContaining("'sync-b' has taken the job over")
        .extracting(e -> ((StoreException) e).problem())
        .isEqualTo(StoreException.Problem.LOCKED);
    assertThatThrownBy(() -> a.finishRun(run, "ips", RunOutcome.OK, null, NOW, NOW, true))
        .isInstanceOf(StoreException.class);
    long next = b.beginRun("ips", RunKind.FULL, NOW.plusSeconds(60));
    b.stageAttributes("ips", List.of(new StagedAttribute("u2", "10.0.0.2", null, 1)));
    assertThat(b.plan("ips", RunKind.FULL, SyncMode.MIRROR).fetched()).isEqualTo(1);
    assertThat(b.runs("ips", 2))
        .extracting(RunRecord::id, RunRecord::outcome, RunRecord::instance)
        .containsExactly(
            tuple(next, RunOutcome.RUNNING, "sync-b"),
            tuple(run, RunOutcome.INTERRUPTED, "sync-a"));
    assertThat(taken.held()).isTrue();
    assertThat(a.jobs()).extracting(StoredJob::name).containsExactly("ips");
  }

  private static @Nullable JobLease tryAcquire(PostgresStore store, String job) {
    try {
      return store.leases().acquire(job);
    } catch (JobBusyException e) {
      return null;
    }
  }

  private interface Attempt<T> {
    @Nullable T attempt();
  }

  /** Tries until {@code attempt} gives a result, for at most 20 seconds. */
  private static <T> T poll(Attempt<T> attempt) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      T result = attempt.attempt();
      if (result != null) {
        return result;
      }
      assertThat(System.nanoTime()).as("waited 20 s in vain").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }
}
