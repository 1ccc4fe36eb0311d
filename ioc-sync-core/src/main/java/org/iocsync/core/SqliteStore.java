package org.iocsync.core;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteException;

/**
 * The store in an embedded SQLite database: the file {@value #DATABASE_FILE} in the state
 * directory, in WAL mode, its schema made and migrated by Flyway.
 *
 * <p>One process at a time uses a state directory: the store holds a lock on {@value #LOCK_FILE}
 * while open, so that a second IOC Sync on the same directory fails at once instead of racing the
 * first. Secrets are sealed with AES-GCM under a key kept apart from the database, by default in
 * {@value #KEY_FILE} (made with owner-only permissions on first use).
 *
 * <pre>{@code
 * try (Store store = SqliteStore.builder().stateDirectory(Path.of("ioc-sync-data")).build()) {
 *   store.saveJob(spec);
 * }
 * }</pre>
 *
 * <p>A database that is damaged, held by another program, written by a newer IOC Sync, or on a full
 * disk gives a {@link StoreException} saying which; the file itself is never replaced or repaired
 * behind the user's back.
 */
public final class SqliteStore implements Store {
  /** The database file in the state directory. */
  public static final String DATABASE_FILE = "ioc-sync.db";

  /** The file locked while a store is open. */
  public static final String LOCK_FILE = "ioc-sync.lock";

  /** The default key file in the state directory. */
  public static final String KEY_FILE = "secret.key";

  private static final int CACHE_KIB = 64 * 1024;
  private static final long JOURNAL_SIZE_LIMIT = 64L * 1024 * 1024;
  private static final Moshi MOSHI = new Moshi.Builder().build();
  private static final JsonAdapter<JobSpec> SPEC_JSON = MOSHI.adapter(JobSpec.class);
  private static final JsonAdapter<List<String>> VALUES_JSON =
      MOSHI.adapter(com.squareup.moshi.Types.newParameterizedType(List.class, String.class));
  private static final JsonAdapter<Map<String, Long>> COUNTS_JSON =
      MOSHI.adapter(
          com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, Long.class));

  private final Path databaseFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Connection connection;
  private final SecretBox secretBox;
  private final int runHistoryLimit;
  private final int recentValuesLimit;
  private boolean closed;

  private SqliteStore(
      Builder builder,
      Path databaseFile,
      FileChannel lockChannel,
      FileLock lock,
      Connection connection,
      KeyMaterial key) {
    this.databaseFile = databaseFile;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.connection = connection;
    this.secretBox = new SecretBox(key);
    this.runHistoryLimit = builder.runHistoryLimit;
    this.recentValuesLimit = builder.recentValuesLimit;
  }

  /** A builder of a store; {@link Builder#stateDirectory} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and opens a {@link SqliteStore}. */
  public static final class Builder {
    private @Nullable Path stateDirectory;
    private @Nullable KeyMaterial keyMaterial;
    private Duration busyTimeout = Duration.ofSeconds(5);
    private int runHistoryLimit = 500;
    private int recentValuesLimit = 100;
    private long maxPageCount;

    private Builder() {}

    /** The directory that holds the database, its lock and (by default) the secret key. */
    public Builder stateDirectory(Path stateDirectory) {
      this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
      return this;
    }

    /** The key that seals secrets; by default the one in {@value #KEY_FILE}, made if missing. */
    public Builder keyMaterial(KeyMaterial keyMaterial) {
      this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
      return this;
    }

    /** How long to wait for another program's lock on the database; 5 seconds by default. */
    public Builder busyTimeout(Duration busyTimeout) {
      if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
      }
      this.busyTimeout = busyTimeout;
      return this;
    }

    /** How many runs of each job the history keeps; 500 by default. */
    public Builder runHistoryLimit(int runHistoryLimit) {
      if (runHistoryLimit < 1) {
        throw new IllegalArgumentException("runHistoryLimit must be positive: " + runHistoryLimit);
      }
      this.runHistoryLimit = runHistoryLimit;
      return this;
    }

    /** How many recently added or removed values of each job are kept; 100 by default. */
    public Builder recentValuesLimit(int recentValuesLimit) {
      if (recentValuesLimit < 0) {
        throw new IllegalArgumentException("recentValuesLimit is negative: " + recentValuesLimit);
      }
      this.recentValuesLimit = recentValuesLimit;
      return this;
    }

    /** Caps the database at this many pages, so that tests can fill it like a full disk. */
    Builder maxPageCount(long maxPageCount) {
      this.maxPageCount = maxPageCount;
      return this;
    }

    /**
     * Opens the store, making the state directory, database and key when missing and migrating the
     * schema to this build's version.
     *
     * @throws IllegalStateException when no state directory was given
     * @throws StoreException when the directory or database cannot be used
     */
    public SqliteStore build() {
      if (stateDirectory == null) {
        throw new IllegalStateException("a state directory is required: call stateDirectory()");
      }
      Path directory = stateDirectory.toAbsolutePath();
      try {
        Files.createDirectories(directory);
      } catch (IOException e) {
        throw new StoreException(
            StoreException.Problem.IO,
            "Cannot make the state directory " + directory + ": " + e.getMessage(),
            e);
      }

      Path lockFile = directory.resolve(LOCK_FILE);
      FileChannel lockChannel;
      FileLock lock;
      try {
        lockChannel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new StoreException(
            StoreException.Problem.IO, "Cannot open " + lockFile + ": " + e.getMessage(), e);
      }
      try {
        lock = tryLock(lockChannel, directory);
      } catch (RuntimeException e) {
        closeQuietly(lockChannel);
        throw e;
      }

      Path databaseFile = directory.resolve(DATABASE_FILE);
      try {
        KeyMaterial key =
            keyMaterial != null
                ? keyMaterial
                : KeyMaterial.loadOrCreate(directory.resolve(KEY_FILE));
        SQLiteDataSource dataSource = dataSource(databaseFile);
        migrate(dataSource, databaseFile);
        Connection connection = open(dataSource, databaseFile);
        return new SqliteStore(this, databaseFile, lockChannel, lock, connection, key);
      } catch (RuntimeException e) {
        closeQuietly(lockChannel);
        throw e;
      }
    }

    private static FileLock tryLock(FileChannel channel, Path directory) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      } catch (IOException e) {
        throw new StoreException(
            StoreException.Problem.IO,
            "Cannot lock the state directory " + directory + ": " + e.getMessage(),
            e);
      }
      if (lock == null) {
        throw new StoreException(
            StoreException.Problem.LOCKED,
            "Another IOC Sync is using the state directory "
                + directory
                + " (it holds "
                + LOCK_FILE
                + "): stop it, or give this one a state directory of its own",
            null);
      }
      return lock;
    }

    private SQLiteDataSource dataSource(Path databaseFile) {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout((int) busyTimeout.toMillis());
      config.enforceForeignKeys(true);
      SQLiteDataSource dataSource = new SQLiteDataSource(config);
      dataSource.setUrl("jdbc:sqlite:" + databaseFile);
      return dataSource;
    }

    private static void migrate(SQLiteDataSource dataSource, Path databaseFile) {
      try {
        Flyway flyway =
            Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load();
        for (MigrationInfo info : flyway.info().applied()) {
          if (info.getState() == MigrationState.FUTURE_SUCCESS
              || info.getState() == MigrationState.FUTURE_FAILED) {
            throw new StoreException(
                StoreException.Problem.NEWER_SCHEMA,
                "The database "
                    + databaseFile
                    + " has schema version "
                    + flyway.info().current().getVersion()
                    + ", written by a newer IOC Sync; this build knows up to version "
                    + latestKnown(flyway)
                    + ". Run the newer IOC Sync, or restore a backup made for this one.",
                null);
          }
        }
        flyway.migrate();
      } catch (FlywayException e) {
        SQLException sql = findSqlException(e);
        if (sql != null) {
          throw translate(sql, databaseFile, "migrating the schema");
        }
        throw new StoreException(
            StoreException.Problem.IO,
            "Cannot migrate the schema of " + databaseFile + ": " + e.getMessage(),
            e);
      }
    }

    private static String latestKnown(Flyway flyway) {
      MigrationInfo[] pending = flyway.info().all();
      String latest = "none";
      for (MigrationInfo info : pending) {
        if (info.getState() != MigrationState.FUTURE_SUCCESS
            && info.getState() != MigrationState.FUTURE_FAILED
            && info.getVersion() != null) {
          latest = info.getVersion().getVersion();
        }
      }
      return latest;
    }

    private Connection open(SQLiteDataSource dataSource, Path databaseFile) {
      try {
        Connection connection = dataSource.getConnection();
        try (Statement statement = connection.createStatement()) {
          // A large cache keeps a million staged rows from thrashing pages in and out; the limit
          // gives back the disk a large run's write-ahead log took once it is checkpointed.
          statement.execute("PRAGMA cache_size = -" + CACHE_KIB);
          statement.execute("PRAGMA journal_size_limit = " + JOURNAL_SIZE_LIMIT);
          if (maxPageCount > 0) {
            statement.execute("PRAGMA max_page_count = " + maxPageCount);
          }
        }
        return connection;
      } catch (SQLException e) {
        throw translate(e, databaseFile, "opening the database");
      }
    }
  }

  @Override
  public void saveJob(JobSpec spec) {
    String json = SPEC_JSON.toJson(spec);
    long now = System.currentTimeMillis();
    write(
        "saving job " + spec.name(),
        c -> {
          Optional<JobSpec> old = selectJob(c, spec.name()).map(StoredJob::spec);
          update(
              c,
              "INSERT INTO job (name, spec, paused, created_at, updated_at) VALUES (?, ?, 0, ?, ?)"
                  + " ON CONFLICT (name) DO UPDATE SET spec = excluded.spec,"
                  + " updated_at = excluded.updated_at",
              spec.name(),
              json,
              now,
              now);
          if (old.isPresent() && targetChanged(old.get(), spec)) {
            update(c, "DELETE FROM ledger WHERE job = ?", spec.name());
            update(c, "DELETE FROM holder WHERE job = ?", spec.name());
            update(c, "DELETE FROM holder_value WHERE job = ?", spec.name());
            update(c, "DELETE FROM job_state WHERE job = ?", spec.name());
          } else if (old.isPresent() && filterChanged(old.get(), spec)) {
            update(c, "UPDATE job_state SET cursor = NULL WHERE job = ?", spec.name());
          }
          return null;
        });
  }

  private static boolean targetChanged(JobSpec old, JobSpec spec) {
    return !old.referenceSet().equals(spec.referenceSet())
        || old.elementType() != spec.elementType();
  }

  private static boolean filterChanged(JobSpec old, JobSpec spec) {
    return !old.types().equals(spec.types())
        || !old.eventIds().equals(spec.eventIds())
        || !old.tags().equals(spec.tags())
        || !old.excludeTags().equals(spec.excludeTags())
        || old.toIdsOnly() != spec.toIdsOnly()
        || old.publishedOnly() != spec.publishedOnly()
        || old.enforceWarninglist() != spec.enforceWarninglist();
  }

  @Override
  public Optional<StoredJob> job(String name) {
    return read("reading job " + name, c -> selectJob(c, name));
  }

  private Optional<StoredJob> selectJob(Connection c, String name) throws SQLException {
    try (PreparedStatement statement =
        prepare(c, "SELECT spec, paused FROM job WHERE name = ?", name)) {
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? Optional.of(storedJob(rows)) : Optional.empty();
      }
    }
  }

  private StoredJob storedJob(ResultSet rows) throws SQLException {
    String json = rows.getString("spec");
    JobSpec spec;
    try {
      spec = SPEC_JSON.fromJson(json);
    } catch (IOException | RuntimeException e) {
      throw new StoreException(
          StoreException.Problem.CORRUPT,
          "A job in " + databaseFile + " cannot be read (" + e.getMessage() + "): restore a backup",
          e);
    }
    if (spec == null) {
      throw new StoreException(
          StoreException.Problem.CORRUPT, "A job in " + databaseFile + " is empty", null);
    }
    return new StoredJob(spec, rows.getInt("paused") != 0);
  }

  @Override
  public List<StoredJob> jobs() {
    return read(
        "reading jobs",
        c -> {
          List<StoredJob> jobs = new ArrayList<>();
          try (PreparedStatement statement =
                  c.prepareStatement("SELECT spec, paused FROM job ORDER BY name");
              ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              jobs.add(storedJob(rows));
            }
          }
          return jobs;
        });
  }

  @Override
  public boolean deleteJob(String name) {
    return write(
        "deleting job " + name,
        c -> {
          clearStaging(c, name);
          return update(c, "DELETE FROM job WHERE name = ?", name) > 0;
        });
  }

  @Override
  public void setPaused(String name, boolean paused) {
    write(
        "pausing job " + name,
        c -> {
          if (update(c, "UPDATE job SET paused = ? WHERE name = ?", paused, name) == 0) {
            throw new IllegalArgumentException("No job is called '" + name + "'");
          }
          return null;
        });
  }

  @Override
  public void saveConnection(Server server, ConnectionSettings settings) {
    write(
        "saving the " + server + " connection",
        c ->
            update(
                c,
                "INSERT INTO connection (server, url, api_version, verify_tls, ca_certificate)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (server) DO UPDATE SET"
                    + " url = excluded.url, api_version = excluded.api_version,"
                    + " verify_tls = excluded.verify_tls, ca_certificate = excluded.ca_certificate",
                server.name(),
                settings.url(),
                settings.apiVersion(),
                settings.verifyTls(),
                settings.caCertificatePem()));
  }

  @Override
  public Optional<ConnectionSettings> connection(Server server) {
    return read(
        "reading the " + server + " connection",
        c -> {
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT url, api_version, verify_tls, ca_certificate FROM connection"
                          + " WHERE server = ?",
                      server.name());
              ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
              return Optional.empty();
            }
            return Optional.of(
                new ConnectionSettings(
                    rows.getString(1), rows.getString(2), rows.getInt(3) != 0, rows.getString(4)));
          }
        });
  }

  @Override
  public void saveSecret(String name, String secret) {
    byte[] sealed = secretBox.seal(name, secret);
    write(
        "saving a secret",
        c ->
            update(
                c,
                "INSERT INTO secret (name, sealed) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed",
                name,
                sealed));
  }

  @Override
  public Optional<String> secret(String name) {
    Optional<byte[]> sealed =
        read(
            "reading a secret",
            c -> {
              try (PreparedStatement statement =
                      prepare(c, "SELECT sealed FROM secret WHERE name = ?", name);
                  ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
              }
            });
    if (sealed.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(secretBox.open(name, sealed.get()));
    } catch (AEADBadTagException e) {
      throw new StoreException(
          StoreException.Problem.SECRET_KEY,
          "The stored secret '"
              + name
              + "' does not decrypt with this store's key: the key file was replaced or another"
              + " key was supplied. Restore the original key, or enter the secret again.",
          e);
    }
  }

  @Override
  public void deleteSecret(String name) {
    write("deleting a secret", c -> update(c, "DELETE FROM secret WHERE name = ?", name));
  }

  @Override
  public SyncState syncState(String job) {
    return read(
        "reading the state of job " + job,
        c -> {
          Long cursor = null;
          Long lastFull = null;
          long unrecorded = 0;
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT cursor, last_full_at, unrecorded_adds FROM job_state WHERE job = ?",
                      job);
              ResultSet rows = statement.executeQuery()) {
            if (rows.next()) {
              cursor = nullableLong(rows, 1);
              lastFull = nullableLong(rows, 2);
              unrecorded = rows.getLong(3);
            }
          }
          Map<String, Long> states = new TreeMap<>();
          try (PreparedStatement statement =
                  prepare(
                      c, "SELECT state, COUNT(*) FROM ledger WHERE job = ? GROUP BY state", job);
              ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              states.put(rows.getString(1), rows.getLong(2));
            }
          }
          return new SyncState(
              cursor == null ? null : Instant.ofEpochSecond(cursor),
              lastFull == null ? null : Instant.ofEpochMilli(lastFull),
              states.getOrDefault(LedgerState.CONFIRMED, 0L),
              states.getOrDefault(LedgerState.PENDING_ADD, 0L) + unrecorded,
              states.getOrDefault(LedgerState.PENDING_REMOVE, 0L));
        });
  }

  @Override
  public Optional<Instant> cursor(String job) {
    return read(
        "reading the cursor of job " + job,
        c -> {
          try (PreparedStatement statement =
                  prepare(c, "SELECT cursor FROM job_state WHERE job = ?", job);
              ResultSet rows = statement.executeQuery()) {
            Long cursor = rows.next() ? nullableLong(rows, 1) : null;
            return Optional.ofNullable(cursor).map(Instant::ofEpochSecond);
          }
        });
  }

  @Override
  public List<RunRecord> runs(String job, int limit) {
    return read(
        "reading the runs of job " + job,
        c -> selectRuns(c, "WHERE job = ? ORDER BY id DESC LIMIT ?", job, limit));
  }

  @Override
  public List<RunRecord> recentRuns(int limit) {
    return read("reading runs", c -> selectRuns(c, "ORDER BY id DESC LIMIT ?", limit));
  }

  private List<RunRecord> selectRuns(Connection c, String where, Object... args)
      throws SQLException {
    List<RunRecord> runs = new ArrayList<>();
    try (PreparedStatement statement =
            prepare(
                c,
                "SELECT id, job, kind, started_at, ended_at, outcome, fetched, desired, added,"
                    + " removed, rejected, skipped_by_reason, error FROM run "
                    + where,
                args);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        Map<SkipReason, Long> reasons = reasons(rows.getString("skipped_by_reason"));
        long rejected = rows.getLong("rejected");
        if (rejected > 0) {
          reasons.merge(SkipReason.REJECTED, rejected, Long::sum);
        }
        long skipped = reasons.values().stream().mapToLong(Long::longValue).sum();
        Long endedAt = nullableLong(rows, 5);
        runs.add(
            new RunRecord(
                rows.getLong("id"),
                rows.getString("job"),
                RunKind.valueOf(rows.getString("kind")),
                Instant.ofEpochMilli(rows.getLong("started_at")),
                endedAt == null ? null : Instant.ofEpochMilli(endedAt),
                RunOutcome.valueOf(rows.getString("outcome")),
                rows.getLong("fetched"),
                rows.getLong("desired"),
                rows.getLong("added"),
                rows.getLong("removed"),
                skipped,
                reasons,
                rows.getString("error")));
      }
    }
    return runs;
  }

  private static Map<SkipReason, Long> reasons(String json) {
    Map<SkipReason, Long> reasons = new EnumMap<>(SkipReason.class);
    Map<String, Long> counts;
    try {
      counts = COUNTS_JSON.fromJson(json);
    } catch (IOException | RuntimeException e) {
      return reasons;
    }
    if (counts != null) {
      counts.forEach(
          (code, count) -> SkipReason.fromCode(code).ifPresent(r -> reasons.put(r, count)));
    }
    return reasons;
  }

  @Override
  public List<RecentValue> recentValues(String job) {
    return read(
        "reading recent values of job " + job,
        c -> {
          List<RecentValue> values = new ArrayList<>();
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT value, added, at FROM recent_value WHERE job = ? ORDER BY id DESC",
                      job);
              ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              values.add(
                  new RecentValue(
                      rows.getString(1),
                      rows.getInt(2) != 0,
                      Instant.ofEpochMilli(rows.getLong(3))));
            }
          }
          return values;
        });
  }

  @Override
  public long beginRun(String job, RunKind kind, Instant startedAt) {
    return writeUnsynced(
        "starting a run of job " + job,
        c -> {
          update(
              c,
              "UPDATE run SET outcome = ?, ended_at = COALESCE(ended_at, ?)"
                  + " WHERE job = ? AND outcome = ?",
              RunOutcome.INTERRUPTED.name(),
              startedAt.toEpochMilli(),
              job,
              RunOutcome.RUNNING.name());
          clearStaging(c, job);
          try (PreparedStatement statement =
              prepare(
                  c,
                  "INSERT INTO run (job, kind, started_at, outcome) VALUES (?, ?, ?, ?)",
                  job,
                  kind.name(),
                  startedAt.toEpochMilli(),
                  RunOutcome.RUNNING.name())) {
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
              keys.next();
              return keys.getLong(1);
            }
          }
        });
  }

  @Override
  public void clearStaging(String job) {
    writeUnsynced(
        "emptying the staging area of job " + job,
        c -> {
          clearStaging(c, job);
          return null;
        });
  }

  private static void clearStaging(Connection c, String job) throws SQLException {
    foldUnrecorded(c, job);
    for (String table :
        List.of(
            "stage_read",
            "stage_attribute",
            "stage_value",
            "stage_present",
            "stage_candidate",
            "stage_plan")) {
      deleteStaged(c, table, job);
    }
  }

  /**
   * Deletes a job's rows from a staging table, which every statement here keys by job first. When
   * no other job has rows there, as is usual, the table is emptied whole, which frees its pages
   * without rewriting each one: a million rows go in a fraction of the time.
   */
  private static void deleteStaged(Connection c, String table, String job) throws SQLException {
    long others =
        queryLong(
            c,
            "SELECT EXISTS (SELECT 1 FROM "
                + table
                + " WHERE job < ?1) OR EXISTS (SELECT 1 FROM "
                + table
                + " WHERE job > ?1)",
            job);
    if (others == 0) {
      update(c, "DELETE FROM " + table);
    } else {
      update(c, "DELETE FROM " + table + " WHERE job = ?", job);
    }
  }

  /**
   * Gives each planned addition still unrecorded its ledger row, pending, before the plan that
   * stands for it is emptied: a run that failed or was killed may have sent it.
   */
  private static void foldUnrecorded(Connection c, String job) throws SQLException {
    long unrecorded =
        queryLong(c, "SELECT COALESCE(MAX(unrecorded_adds), 0) FROM job_state WHERE job = ?", job);
    if (unrecorded == 0) {
      return;
    }
    update(
        c,
        "INSERT INTO ledger (job, value, state, updated_at)"
            + " SELECT job, value, 'PENDING_ADD', ?1 FROM stage_plan"
            + " WHERE job = ?2 AND action = 'ADD' ON CONFLICT DO NOTHING",
        System.currentTimeMillis(),
        job);
    update(c, "UPDATE job_state SET unrecorded_adds = 0 WHERE job = ?", job);
  }

  @Override
  public void stageAttributes(String job, List<StagedAttribute> batch) {
    writeUnsynced(
        "staging attributes of job " + job,
        c -> {
          try (PreparedStatement statement =
              c.prepareStatement(
                  "INSERT INTO stage_read (job, uuid, value, reason, ts) VALUES (?, ?, ?, ?, ?)")) {
            for (StagedAttribute attribute : batch) {
              SkipReason reason = attribute.reason();
              bind(
                  statement,
                  job,
                  attribute.uuid(),
                  attribute.value(),
                  reason == null ? null : reason.code(),
                  attribute.timestamp());
              statement.addBatch();
            }
            statement.executeBatch();
          }
          return null;
        });
  }

  @Override
  public void stagePresent(String job, List<String> values) {
    writeUnsynced(
        "staging the set's values for job " + job,
        c -> {
          try (PreparedStatement statement =
              c.prepareStatement(
                  "INSERT INTO stage_present (job, value) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (String value : values) {
              bind(statement, job, value);
              statement.addBatch();
            }
            statement.executeBatch();
          }
          return null;
        });
  }

  /**
   * Moves the attributes staged since the last call into stage_attribute, keeping each uuid's
   * latest reading (of two with one timestamp, the one staged last), and makes stage_value the
   * values they hold with the uuid holding each. Both are filled in key order, so that pages are
   * written once.
   */
  private static void settle(Connection c, String job) throws SQLException {
    settleAttributes(c, job);
    settleValues(c, job);
  }

  /**
   * The first half of {@link #settle}: moves the attributes staged since the last call into
   * stage_attribute and empties stage_value, which {@link #settleValues} then fills again.
   */
  private static void settleAttributes(Connection c, String job) throws SQLException {
    if (queryLong(c, "SELECT EXISTS (SELECT 1 FROM stage_read WHERE job = ?)", job) == 0) {
      return;
    }
    update(
        c,
        "INSERT INTO stage_attribute (job, uuid, value, reason, ts)"
            + " SELECT job, uuid, value, reason, ts FROM stage_read WHERE job = ?"
            + " ORDER BY uuid, ts, rowid"
            + " ON CONFLICT (job, uuid) DO UPDATE"
            + " SET value = excluded.value, reason = excluded.reason, ts = excluded.ts"
            + " WHERE excluded.ts >= stage_attribute.ts",
        job);
    deleteStaged(c, "stage_read", job);
    deleteStaged(c, "stage_value", job);
  }

  /**
   * The second half of {@link #settle}: fills stage_value from stage_attribute when it is empty
   * although an attribute holds a value. That is the state {@link #settleAttributes} leaves, and
   * the one a failure between the two leaves, so that a transaction of its own for each half cannot
   * leave a plan to read stale values.
   */
  private static void settleValues(Connection c, String job) throws SQLException {
    if (queryLong(c, "SELECT EXISTS (SELECT 1 FROM stage_value WHERE job = ?)", job) == 1
        || queryLong(
                c,
                "SELECT EXISTS (SELECT 1 FROM stage_attribute WHERE job = ? AND value IS NOT NULL)",
                job)
            == 0) {
      return;
    }
    update(
        c,
        "INSERT INTO stage_value (job, value, uuid) SELECT job, value, uuid FROM stage_attribute"
            + " WHERE job = ? AND value IS NOT NULL ORDER BY value, uuid",
        job);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The staged attributes are settled by uuid in a transaction of their own before the plan's.
   * With those pages committed first, the sort by value and the plan's own commit are faster: at a
   * million attributes, settling and planning took 4.4 to 4.7 s against 4.9 s in one transaction.
   */
  @Override
  public Plan plan(String job, RunKind kind, SyncMode mode) {
    writeUnsynced(
        "settling the staged attributes of job " + job,
        c -> {
          settleAttributes(c, job);
          return null;
        });
    return writeUnsynced(
        "planning the run of job " + job,
        c -> {
          settle(c, job);
          foldUnrecorded(c, job);
          deleteStaged(c, "stage_plan", job);
          deleteStaged(c, "stage_candidate", job);
          long desired;
          if (kind == RunKind.FULL) {
            desired = planFull(c, job, mode);
          } else {
            desired = planIncremental(c, job, mode);
          }
          Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT reason, COUNT(*) FROM stage_attribute WHERE job = ?"
                          + " AND reason IS NOT NULL GROUP BY reason",
                      job);
              ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              long count = rows.getLong(2);
              SkipReason.fromCode(rows.getString(1)).ifPresent(r -> skipped.put(r, count));
            }
          }
          return new Plan(
              queryLong(c, "SELECT COUNT(*) FROM stage_attribute WHERE job = ?", job),
              desired,
              countPlanned(c, job, Plan.Action.ADD),
              countPlanned(c, job, Plan.Action.REMOVE),
              skipped);
        });
  }

  private static long planFull(Connection c, String job, SyncMode mode) throws SQLException {
    // A desired value is sent when the set lacks it or its last sending is unconfirmed; a value
    // the set holds that the ledger does not know belongs to someone else and is left alone.
    update(
        c,
        "INSERT INTO stage_plan (job, action, value)"
            + " SELECT ?1, 'ADD', d.value FROM (SELECT DISTINCT value FROM stage_value"
            + " WHERE job = ?1) d"
            + " WHERE (NOT EXISTS (SELECT 1 FROM stage_present p WHERE p.job = ?1"
            + " AND p.value = d.value)"
            + " OR EXISTS (SELECT 1 FROM ledger l WHERE l.job = ?1 AND l.value = d.value"
            + " AND l.state <> 'CONFIRMED'))",
        job);
    if (mode == SyncMode.MIRROR) {
      update(
          c,
          "INSERT INTO stage_plan (job, action, value)"
              + " SELECT ?1, 'REMOVE', l.value FROM ledger l WHERE l.job = ?1"
              + " AND NOT EXISTS (SELECT 1 FROM stage_value d WHERE d.job = ?1"
              + " AND d.value = l.value)",
          job);
    }
    return queryLong(c, "SELECT COUNT(DISTINCT value) FROM stage_value WHERE job = ?", job);
  }

  private static long planIncremental(Connection c, String job, SyncMode mode) throws SQLException {
    // Only the values the staged attributes held or hold now can change, plus pending values,
    // which count as the job's own until confirmed. CROSS JOIN makes SQLite walk the few staged
    // attributes and look their holders up, never the other way round over every holder.
    update(
        c,
        "INSERT INTO stage_candidate (job, value, desired, was_desired, state)"
            + " SELECT ?1, cand.value,"
            + " EXISTS (SELECT 1 FROM stage_value d WHERE d.job = ?1 AND d.value = cand.value)"
            + " OR EXISTS (SELECT 1 FROM holder_value h WHERE h.job = ?1 AND h.value = cand.value"
            + " AND NOT EXISTS (SELECT 1 FROM stage_attribute s WHERE s.job = ?1"
            + " AND s.uuid = h.uuid)),"
            + " EXISTS (SELECT 1 FROM holder_value h WHERE h.job = ?1 AND h.value = cand.value),"
            + " (SELECT l.state FROM ledger l WHERE l.job = ?1 AND l.value = cand.value)"
            + " FROM (SELECT h.value AS value FROM stage_attribute s CROSS JOIN holder h"
            + " ON h.job = s.job AND h.uuid = s.uuid WHERE s.job = ?1"
            + " UNION SELECT value FROM stage_value WHERE job = ?1"
            + " UNION SELECT value FROM ledger INDEXED BY ledger_pending"
            + " WHERE job = ?1 AND state <> 'CONFIRMED') cand",
        job);
    update(
        c,
        "INSERT INTO stage_plan (job, action, value) SELECT job, 'ADD', value"
            + " FROM stage_candidate cand WHERE job = ? AND desired"
            + " AND (state IN ('PENDING_ADD', 'PENDING_REMOVE')"
            + " OR state IS NULL AND NOT EXISTS (SELECT 1 FROM stage_present p"
            + " WHERE p.job = cand.job AND p.value = cand.value))",
        job);
    if (mode == SyncMode.MIRROR) {
      update(
          c,
          "INSERT INTO stage_plan (job, action, value) SELECT job, 'REMOVE', value"
              + " FROM stage_candidate WHERE job = ? AND NOT desired AND state IS NOT NULL",
          job);
    }
    Long known = null;
    try (PreparedStatement statement =
            prepare(c, "SELECT desired FROM job_state WHERE job = ?", job);
        ResultSet rows = statement.executeQuery()) {
      if (rows.next()) {
        known = nullableLong(rows, 1);
      }
    }
    long before =
        known != null
            ? known
            : queryLong(c, "SELECT COUNT(DISTINCT value) FROM holder_value WHERE job = ?", job);
    long change =
        queryLong(
            c,
            "SELECT COALESCE(SUM(desired - was_desired), 0) FROM stage_candidate WHERE job = ?",
            job);
    return before + change;
  }

  private static long countPlanned(Connection c, String job, Plan.Action action)
      throws SQLException {
    return queryLong(
        c, "SELECT COUNT(*) FROM stage_plan WHERE job = ? AND action = ?", job, action.name());
  }

  @Override
  public List<String> unownedValues(String job, @Nullable String after, int limit) {
    return writeUnsynced(
        "reading the values job " + job + " may add but does not own",
        c -> {
          settle(c, job);
          List<String> values = new ArrayList<>(Math.min(limit, 10_000));
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT value FROM (SELECT value FROM stage_value WHERE job = ?1"
                          + " UNION SELECT h.value FROM stage_attribute s CROSS JOIN holder h"
                          + " ON h.job = s.job AND h.uuid = s.uuid WHERE s.job = ?1) v"
                          + " WHERE value > ?2 AND NOT EXISTS (SELECT 1 FROM ledger l"
                          + " WHERE l.job = ?1 AND l.value = v.value) ORDER BY value LIMIT ?3",
                      job,
                      after == null ? "" : after,
                      limit);
              ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              values.add(rows.getString(1));
            }
          }
          return values;
        });
  }

  @Override
  public List<String> plannedValues(
      String job, Plan.Action action, @Nullable String after, int limit) {
    return read(
        "reading the plan of job " + job,
        c -> {
          List<String> values = new ArrayList<>(Math.min(limit, 10_000));
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT value FROM stage_plan WHERE job = ? AND action = ? AND value > ?"
                          + " ORDER BY value LIMIT ?",
                      job,
                      action.name(),
                      after == null ? "" : after,
                      limit);
              ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              values.add(rows.getString(1));
            }
          }
          return values;
        });
  }

  @Override
  public void applyPlan(long runId, String job, RunKind kind, Plan plan) {
    long now = System.currentTimeMillis();
    write(
        "recording the plan of job " + job,
        c -> {
          // Only the holders that changed are written: a run that finds what the last one found
          // rewrites nothing.
          if (kind == RunKind.FULL) {
            update(
                c,
                "DELETE FROM holder WHERE job = ?1 AND NOT EXISTS (SELECT 1 FROM stage_attribute s"
                    + " WHERE s.job = ?1 AND s.uuid = holder.uuid AND s.value = holder.value)",
                job);
            update(
                c,
                "DELETE FROM holder_value WHERE job = ?1 AND NOT EXISTS (SELECT 1"
                    + " FROM stage_value s WHERE s.job = ?1 AND s.value = holder_value.value"
                    + " AND s.uuid = holder_value.uuid)",
                job);
          } else {
            String changed =
                "SELECT h.job, h.value, h.uuid FROM stage_attribute s CROSS JOIN holder h"
                    + " ON h.job = s.job AND h.uuid = s.uuid"
                    + " WHERE s.job = ?1 AND s.value IS NOT h.value";
            update(
                c, "DELETE FROM holder_value WHERE (job, value, uuid) IN (" + changed + ")", job);
            update(
                c,
                "DELETE FROM holder WHERE job = ?1 AND uuid IN (SELECT uuid FROM ("
                    + changed
                    + "))",
                job);
          }
          update(
              c,
              "INSERT INTO holder (job, uuid, value) SELECT job, uuid, value FROM stage_attribute"
                  + " WHERE job = ? AND value IS NOT NULL ON CONFLICT DO NOTHING",
              job);
          update(
              c,
              "INSERT INTO holder_value (job, value, uuid) SELECT job, value, uuid FROM stage_value"
                  + " WHERE job = ? ON CONFLICT DO NOTHING",
              job);
          // A planned addition the ledger knows turns pending now; one it does not know gets its
          // row once QRadar confirms it, and until then is counted as unrecorded, the recorded plan
          // standing for it (see foldUnrecorded).
          int known =
              update(
                  c,
                  "INSERT INTO ledger (job, value, state, updated_at)"
                      + " SELECT job, value, 'PENDING_ADD', ?1 FROM stage_plan p"
                      + " WHERE job = ?2 AND action = 'ADD' AND EXISTS (SELECT 1 FROM ledger l"
                      + " WHERE l.job = ?2 AND l.value = p.value)"
                      + " ON CONFLICT (job, value) DO UPDATE SET state = 'PENDING_ADD',"
                      + " updated_at = excluded.updated_at",
                  now,
                  job);
          long unrecorded = countPlanned(c, job, Plan.Action.ADD) - known;
          update(
              c,
              "UPDATE ledger SET state = 'PENDING_REMOVE', updated_at = ?1 WHERE job = ?2"
                  + " AND value IN (SELECT value FROM stage_plan WHERE job = ?2"
                  + " AND action = 'REMOVE')",
              now,
              job);
          update(
              c,
              "INSERT INTO job_state (job, desired, unrecorded_adds) VALUES (?1, ?2, ?3)"
                  + " ON CONFLICT (job) DO UPDATE SET desired = excluded.desired,"
                  + " unrecorded_adds = excluded.unrecorded_adds",
              job,
              plan.desired(),
              unrecorded);
          update(
              c,
              "UPDATE run SET kind = ?, fetched = ?, desired = ?, skipped_by_reason = ?"
                  + " WHERE id = ?",
              kind.name(),
              plan.fetched(),
              plan.desired(),
              countsJson(plan.skippedByReason()),
              runId);
          return null;
        });
  }

  private static String countsJson(Map<SkipReason, Long> counts) {
    Map<String, Long> byCode = new TreeMap<>();
    counts.forEach((reason, count) -> byCode.put(reason.code(), count));
    return COUNTS_JSON.toJson(byCode);
  }

  @Override
  public void confirmAdded(
      long runId, String job, List<String> accepted, List<String> rejected, Instant at) {
    writeUnsynced(
        "confirming values added by job " + job,
        c -> {
          long recorded = 0;
          if (!accepted.isEmpty()) {
            String values = VALUES_JSON.toJson(accepted);
            if (hasPending(c, job)) {
              update(
                  c,
                  "UPDATE ledger INDEXED BY ledger_pending SET state = 'CONFIRMED', updated_at = ?1"
                      + " WHERE job = ?2 AND state <> 'CONFIRMED'"
                      + " AND value IN (SELECT value FROM json_each(?3))",
                  at.toEpochMilli(),
                  job,
                  values);
            }
            // The planned additions the ledger did not know get their row now; none once the
            // job's ledger was started afresh (saveJob), which leaves nothing unrecorded.
            recorded +=
                update(
                    c,
                    "INSERT INTO ledger (job, value, state, updated_at)"
                        + " SELECT ?2, value, 'CONFIRMED', ?1 FROM json_each(?3)"
                        + " WHERE EXISTS (SELECT 1 FROM job_state WHERE job = ?2"
                        + " AND unrecorded_adds > 0)"
                        + " ON CONFLICT DO NOTHING",
                    at.toEpochMilli(),
                    job,
                    values);
          }
          if (!rejected.isEmpty()) {
            String values = VALUES_JSON.toJson(rejected);
            recorded +=
                queryLong(
                    c,
                    "SELECT COUNT(*) FROM stage_plan p WHERE job = ?1 AND action = 'ADD'"
                        + " AND value IN (SELECT value FROM json_each(?2))"
                        + " AND NOT EXISTS (SELECT 1 FROM ledger l"
                        + " WHERE l.job = ?1 AND l.value = p.value)",
                    job,
                    values);
            update(
                c,
                "DELETE FROM stage_plan WHERE job = ?1 AND action = 'ADD'"
                    + " AND value IN (SELECT value FROM json_each(?2))",
                job,
                values);
            deleteFromLedger(c, job, rejected);
          }
          if (recorded > 0) {
            update(
                c,
                "UPDATE job_state SET unrecorded_adds = MAX(0, unrecorded_adds - ?)"
                    + " WHERE job = ?",
                recorded,
                job);
          }
          update(
              c,
              "UPDATE run SET added = added + ?, rejected = rejected + ? WHERE id = ?",
              accepted.size(),
              rejected.size(),
              runId);
          remember(c, job, accepted, true, at);
          return null;
        });
  }

  /** Whether any of the job's ledger rows is pending: a first run's ledger has none. */
  private static boolean hasPending(Connection c, String job) throws SQLException {
    return queryLong(
            c,
            "SELECT EXISTS (SELECT 1 FROM ledger INDEXED BY ledger_pending"
                + " WHERE job = ? AND state <> 'CONFIRMED')",
            job)
        != 0;
  }

  @Override
  public void confirmRemoved(long runId, String job, List<String> removed, Instant at) {
    writeUnsynced(
        "confirming values removed by job " + job,
        c -> {
          deleteFromLedger(c, job, removed);
          update(c, "UPDATE run SET removed = removed + ? WHERE id = ?", removed.size(), runId);
          remember(c, job, removed, false, at);
          return null;
        });
  }

  private static void deleteFromLedger(Connection c, String job, List<String> values)
      throws SQLException {
    if (!values.isEmpty()) {
      update(
          c,
          "DELETE FROM ledger WHERE job = ?1 AND value IN (SELECT value FROM json_each(?2))",
          job,
          VALUES_JSON.toJson(values));
    }
  }

  private void remember(Connection c, String job, List<String> values, boolean added, Instant at)
      throws SQLException {
    if (recentValuesLimit == 0 || values.isEmpty()) {
      return;
    }
    List<String> last =
        values.subList(Math.max(0, values.size() - recentValuesLimit), values.size());
    try (PreparedStatement statement =
        c.prepareStatement(
            "INSERT INTO recent_value (job, value, added, at) VALUES (?, ?, ?, ?)")) {
      for (String value : last) {
        bind(statement, job, value, added, at.toEpochMilli());
        statement.addBatch();
      }
      statement.executeBatch();
    }
    update(
        c,
        "DELETE FROM recent_value WHERE job = ?1 AND id <= (SELECT id FROM recent_value"
            + " WHERE job = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
        job,
        recentValuesLimit);
  }

  @Override
  public void finishRun(
      long runId,
      String job,
      RunOutcome outcome,
      @Nullable String error,
      Instant endedAt,
      @Nullable Instant cursor,
      boolean full) {
    writeUnsynced(
        "ending the run of job " + job,
        c -> {
          update(
              c,
              "UPDATE run SET outcome = ?, error = ?, ended_at = ? WHERE id = ?",
              outcome.name(),
              error,
              endedAt.toEpochMilli(),
              runId);
          if (cursor != null) {
            update(
                c,
                "INSERT INTO job_state (job, cursor) VALUES (?1, ?2)"
                    + " ON CONFLICT (job) DO UPDATE SET cursor = excluded.cursor",
                job,
                cursor.getEpochSecond());
            if (full) {
              update(
                  c,
                  "UPDATE job_state SET last_full_at = (SELECT started_at FROM run WHERE id = ?)"
                      + " WHERE job = ?",
                  runId,
                  job);
            }
          }
          clearStaging(c, job);
          update(
              c,
              "DELETE FROM run WHERE job = ?1 AND id <= (SELECT id FROM run WHERE job = ?1"
                  + " ORDER BY id DESC LIMIT 1 OFFSET ?2)",
              job,
              runHistoryLimit);
          return null;
        });
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        connection.close();
      } catch (SQLException e) {
        throw translate(e, databaseFile, "closing the database");
      } finally {
        try {
          lock.release();
        } catch (IOException ignored) {
          // Closing the channel releases the lock as well.
        }
        closeQuietly(lockChannel);
      }
    }
  }

  @Override
  public String toString() {
    return "SqliteStore{" + databaseFile + "}";
  }

  /** The states of a ledger row, as stored. */
  static final class LedgerState {
    static final String PENDING_ADD = "PENDING_ADD";
    static final String CONFIRMED = "CONFIRMED";
    static final String PENDING_REMOVE = "PENDING_REMOVE";

    private LedgerState() {}
  }

  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private synchronized <T> T read(String action, SqlWork<T> work) {
    checkOpen();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw translate(e, databaseFile, action);
    }
  }

  /**
   * Runs {@code work} in one transaction. The connection stays in auto-commit mode and transactions
   * are begun and ended by hand: the driver's own handling leaves the connection without a
   * transaction it believes it has when BEGIN fails on a lock.
   */
  private synchronized <T> T write(String action, SqlWork<T> work) {
    checkOpen();
    try {
      execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      throw translate(e, databaseFile, action);
    }
    return commit(action, work);
  }

  /**
   * Runs {@code work} in one transaction that is not synced to disk, for changes a power cut may
   * undo without harm: the staging area, which a run starts by emptying; QRadar's confirmations,
   * whose loss leaves their values pending, so that the next run sends them again; and a run's
   * start and end, whose loss leaves a run shown as interrupted and a cursor that has the next run
   * read a window again. Only the recorded plan must reach the disk before QRadar hears of it, and
   * {@link #applyPlan} syncs it. The write-ahead log keeps commits in order and a synced commit
   * syncs the earlier ones too, so a power cut undoes only the latest unsynced commits and the
   * database stays whole.
   */
  private synchronized <T> T writeUnsynced(String action, SqlWork<T> work) {
    checkOpen();
    try {
      execute("PRAGMA synchronous = NORMAL");
      execute("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      restoreSynchronous(action);
      throw translate(e, databaseFile, action);
    }
    try {
      return commit(action, work);
    } finally {
      restoreSynchronous(action);
    }
  }

  private void restoreSynchronous(String action) {
    try {
      execute("PRAGMA synchronous = FULL");
    } catch (SQLException e) {
      throw translate(e, databaseFile, action);
    }
  }

  private <T> T commit(String action, SqlWork<T> work) {
    try {
      T result = work.run(connection);
      execute("COMMIT");
      return result;
    } catch (SQLException e) {
      rollbackQuietly();
      throw translate(e, databaseFile, action);
    } catch (RuntimeException | Error e) {
      rollbackQuietly();
      throw e;
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store " + databaseFile + " is closed");
    }
  }

  private void rollbackQuietly() {
    try {
      execute("ROLLBACK");
    } catch (SQLException ignored) {
      // SQLite already rolled back (it does on a full disk), and the failure being thrown says
      // more than this one.
    }
  }

  private static int update(Connection c, String sql, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, args)) {
      return statement.executeUpdate();
    }
  }

  private static long queryLong(Connection c, String sql, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, args);
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, @Nullable Object... args)
      throws SQLException {
    PreparedStatement statement = c.prepareStatement(sql);
    try {
      bind(statement, args);
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private static void bind(PreparedStatement statement, @Nullable Object... args)
      throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object arg = args[i];
      int index = i + 1;
      if (arg == null) {
        statement.setNull(index, Types.VARCHAR);
      } else if (arg instanceof String s) {
        statement.setString(index, s);
      } else if (arg instanceof Long l) {
        statement.setLong(index, l);
      } else if (arg instanceof Integer n) {
        statement.setInt(index, n);
      } else if (arg instanceof Boolean b) {
        statement.setInt(index, b ? 1 : 0);
      } else if (arg instanceof byte[] bytes) {
        statement.setBytes(index, bytes);
      } else {
        throw new IllegalArgumentException("cannot bind " + arg.getClass());
      }
    }
  }

  private static @Nullable Long nullableLong(ResultSet rows, int column) throws SQLException {
    long value = rows.getLong(column);
    return rows.wasNull() ? null : value;
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing was written through it.
    }
  }

  private static @Nullable SQLException findSqlException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static final int SQLITE_IOERR = 10;
  private static final int SQLITE_FULL = 13;
  private static final long NEARLY_FULL_BYTES = 1024 * 1024;

  private static boolean nearlyFull(Path databaseFile) {
    try {
      Path directory = databaseFile.getParent();
      return directory != null
          && Files.getFileStore(directory).getUsableSpace() < NEARLY_FULL_BYTES;
    } catch (IOException e) {
      return false;
    }
  }

  static StoreException translate(SQLException e, Path databaseFile, String action) {
    int code = e instanceof SQLiteException sqlite ? sqlite.getResultCode().code & 0xff : -1;
    if (code == SQLITE_IOERR && nearlyFull(databaseFile)) {
      // A full disk often surfaces as an I/O error (writing the WAL or its index), not as FULL.
      code = SQLITE_FULL;
    }
    return switch (code) {
      case 5, 6 ->
          new StoreException(
              StoreException.Problem.LOCKED,
              "The database "
                  + databaseFile
                  + " is locked by another program, so "
                  + action
                  + " timed out: close whatever holds it (an sqlite3 shell, a backup tool) and"
                  + " retry",
              e);
      case 11, 26 ->
          new StoreException(
              StoreException.Problem.CORRUPT,
              "The database "
                  + databaseFile
                  + " is damaged or is not an IOC Sync database ("
                  + e.getMessage()
                  + "), found while "
                  + action
                  + "; it was left as it is. Restore it from a backup, or move it away to start"
                  + " afresh.",
              e);
      case SQLITE_FULL ->
          new StoreException(
              StoreException.Problem.DISK_FULL,
              "The disk holding "
                  + databaseFile
                  + " is full: "
                  + action
                  + " was rolled back and everything committed before is kept. Free some space"
                  + " and retry.",
              e);
      default ->
          new StoreException(
              StoreException.Problem.IO,
              "The database " + databaseFile + " failed while " + action + ": " + e.getMessage(),
              e);
    };
  }
}
