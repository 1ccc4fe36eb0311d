package org.iocsync.core;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.jspecify.annotations.Nullable;

/**
 * The store in a PostgreSQL database that several IOC Sync instances share, so that one machine can
 * fail while another carries on. Its schema is the one of {@link SqliteStore}, made and migrated by
 * Flyway; connections come from a small pool.
 *
 * <pre>{@code
 * Store store =
 *     PostgresStore.builder()
 *         .url("jdbc:postgresql://db.example.org:5432/iocsync")
 *         .user("iocsync")
 *         .passwordFile(Path.of("/etc/ioc-sync/db.password"))
 *         .keyFile(Path.of("/etc/ioc-sync/secret.key"))
 *         .instanceId("sync-a")
 *         .build();
 * }</pre>
 *
 * <h2>One instance per job</h2>
 *
 * Each job is run by one instance at a time. Before a run, {@link SyncEngine} takes the job's
 * lease: a row holding this instance's id and an expiry on the database's clock, taken only when no
 * other instance holds it or its holder let it expire. The store renews the lease every third of
 * its {@linkplain Builder#leaseDuration duration} while the run goes on and deletes it when the run
 * ends. An instance that dies, or loses the database, stops renewing; once the lease expires
 * another instance takes the job over and its next run repairs what the dead one left, as after a
 * crash. A holder that could not renew in time gives up the run on its own side before the lease
 * expires, and from then on the store refuses that run's writes, so a run is never carried on by
 * two instances at once.
 *
 * <p>Every instance sees the same jobs, connections, history and ledgers; the history says which
 * instance ran each run ({@link RunRecord#instance()}).
 *
 * <h2>The secret key</h2>
 *
 * Secrets are sealed with a key that never enters the database: every instance must be given the
 * same key, in a file or as Base64 text (from the environment, say). The first instance to open a
 * database seals a check value with its key; an instance given another key is refused at once.
 */
public final class PostgresStore implements Store {
  private static final Moshi MOSHI = new Moshi.Builder().build();
  private static final JsonAdapter<JobSpec> SPEC_JSON = MOSHI.adapter(JobSpec.class);
  private static final JsonAdapter<Map<String, Long>> COUNTS_JSON =
      MOSHI.adapter(
          com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, Long.class));
  private static final String KEY_CHECK_NAME = "ioc-sync key check";
  private static final String KEY_CHECK_TEXT = "IOC Sync seals its secrets with this key";

  private final HikariDataSource dataSource;
  private final String where;
  private final SecretBox secretBox;
  private final String instanceId;
  private final Duration leaseDuration;
  private final int runHistoryLimit;
  private final int recentValuesLimit;
  private final ScheduledExecutorService renewer;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final JobLeases leases =
      new JobLeases() {
        @Override
        public JobLease acquire(String job) {
          return acquireLease(job);
        }

        @Override
        public void release(JobLease lease) {
          releaseLease(lease);
        }
      };
  private volatile boolean closed;

  /** A lease this store holds, with its renewal. */
  private record Held(JobLease lease, ScheduledFuture<?> renewal) {}

  private PostgresStore(
      Builder builder, HikariDataSource dataSource, String where, KeyMaterial key, String id) {
    this.dataSource = dataSource;
    this.where = where;
    this.secretBox = new SecretBox(key);
    this.instanceId = id;
    this.leaseDuration = builder.leaseDuration;
    this.runHistoryLimit = builder.runHistoryLimit;
    this.recentValuesLimit = builder.recentValuesLimit;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "ioc-sync-lease-renewer-" + id);
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * A builder of a store; {@link Builder#url} and a key ({@link Builder#keyFile}, {@link
   * Builder#keyBase64} or {@link Builder#keyMaterial}) are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and opens a {@link PostgresStore}. */
  public static final class Builder {
    private static final String URL_PREFIX = "jdbc:postgresql:";

    private @Nullable String url;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable Path passwordFile;
    private @Nullable KeyMaterial keyMaterial;
    private @Nullable Path keyFile;
    private @Nullable String instanceId;
    private Duration leaseDuration = Duration.ofSeconds(30);
    private Duration connectionTimeout = Duration.ofSeconds(10);
    private int maximumPoolSize = 5;
    private int runHistoryLimit = 500;
    private int recentValuesLimit = 100;

    private Builder() {}

    /**
     * The database, as a JDBC URL such as {@code jdbc:postgresql://db.example.org:5432/iocsync}.
     * The database must exist; IOC Sync makes its tables. Give it a database of its own.
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith(URL_PREFIX)) {
        throw new IllegalArgumentException(
            "A PostgreSQL store URL starts with "
                + URL_PREFIX
                + ", such as jdbc:postgresql://db.example.org:5432/iocsync, not "
                + redact(url));
      }
      this.url = url;
      return this;
    }

    /** The user to connect as; by default the one in the URL, or the driver's default. */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /** The user's password. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      this.passwordFile = null;
      return this;
    }

    /** A file that holds the user's password (a trailing line break is ignored). */
    public Builder passwordFile(Path passwordFile) {
      this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile");
      this.password = null;
      return this;
    }

    /** The key that seals secrets, which every instance must be given. */
    public Builder keyMaterial(KeyMaterial keyMaterial) {
      this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
      this.keyFile = null;
      return this;
    }

    /**
     * The key that seals secrets, in a file of {@value KeyMaterial#KEY_BYTES} bytes that only its
     * owner may read. The file must exist: copy it from the first instance, or make it with {@code
     * head -c 32 /dev/urandom > FILE && chmod 600 FILE}.
     */
    public Builder keyFile(Path keyFile) {
      this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
      this.keyMaterial = null;
      return this;
    }

    /**
     * The key that seals secrets, as Base64 text of {@value KeyMaterial#KEY_BYTES} bytes (such as
     * the output of {@code head -c 32 /dev/urandom | base64}), for a key kept in the environment.
     *
     * @throws IllegalArgumentException when the text is not Base64 of the right length; the message
     *     does not repeat it
     */
    public Builder keyBase64(String keyBase64) {
      byte[] key;
      try {
        key = Base64.getDecoder().decode(keyBase64.strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "The secret key is not Base64 text: make one with head -c 32 /dev/urandom | base64");
      }
      if (key.length != KeyMaterial.KEY_BYTES) {
        throw new IllegalArgumentException(
            "The secret key holds "
                + key.length
                + " bytes instead of "
                + KeyMaterial.KEY_BYTES
                + ": make one with head -c 32 /dev/urandom | base64");
      }
      return keyMaterial(KeyMaterial.of(key));
    }

    /**
     * The name this instance goes by in leases and run history; by default the host name and the
     * process id. Leases tell instances apart by more than this name, but the history is clearer
     * when every instance has its own.
     */
    public Builder instanceId(String instanceId) {
      if (instanceId.isBlank() || instanceId.length() > 200) {
        throw new IllegalArgumentException(
            "instanceId must be 1 to 200 characters, not blank: '" + instanceId + "'");
      }
      this.instanceId = instanceId;
      return this;
    }

    /**
     * How long a job's lease lasts unless renewed: the longest time a job waits after its instance
     * died before another takes it over. 30 seconds by default, at least one second.
     */
    public Builder leaseDuration(Duration leaseDuration) {
      if (leaseDuration.compareTo(Duration.ofSeconds(1)) < 0
          || leaseDuration.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "leaseDuration must be from 1 second to 1 hour, got " + leaseDuration);
      }
      this.leaseDuration = leaseDuration;
      return this;
    }

    /** How long to wait for a connection to the database; 10 seconds by default. */
    public Builder connectionTimeout(Duration connectionTimeout) {
      if (connectionTimeout.toMillis() < 250
          || connectionTimeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "connectionTimeout must be from 250 ms to 1 hour, got " + connectionTimeout);
      }
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    /** How many connections this instance opens at most; 5 by default. */
    public Builder maximumPoolSize(int maximumPoolSize) {
      if (maximumPoolSize < 2) {
        throw new IllegalArgumentException(
            "maximumPoolSize must be at least 2 (runs and lease renewals), got " + maximumPoolSize);
      }
      this.maximumPoolSize = maximumPoolSize;
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

    /**
     * Connects, migrates the schema to this build's version (one instance at a time; the others
     * wait) and checks the secret key against the database's.
     *
     * @throws IllegalStateException when no URL or no key was given
     * @throws StoreException when the database cannot be reached or used, or the key is wrong
     */
    public PostgresStore build() {
      if (url == null) {
        throw new IllegalStateException("a PostgreSQL store needs a URL: call url()");
      }
      if (keyMaterial == null && keyFile == null) {
        throw new IllegalStateException(
            "a PostgreSQL store needs the key that seals secrets, the same for every instance:"
                + " call keyFile() or keyBase64()");
      }
      String where = redact(url);
      KeyMaterial key =
          keyMaterial != null ? keyMaterial : readKey(Objects.requireNonNull(keyFile));
      String id = instanceId != null ? instanceId : defaultInstanceId();
      HikariDataSource dataSource = open(url, where);
      try {
        migrate(dataSource, where);
        PostgresStore store = new PostgresStore(this, dataSource, where, key, id);
        store.checkKey();
        return store;
      } catch (RuntimeException e) {
        dataSource.close();
        throw e;
      }
    }

    private static KeyMaterial readKey(Path file) {
      if (Files.notExists(file)) {
        throw new StoreException(
            StoreException.Problem.SECRET_KEY,
            "The secret key file "
                + file
                + " does not exist. Every instance sharing a database needs the same key: copy"
                + " the file from the first instance, or for the first one make it with"
                + " head -c 32 /dev/urandom > "
                + file
                + " && chmod 600 "
                + file,
            null);
      }
      return KeyMaterial.loadOrCreate(file);
    }

    private @Nullable String readPassword() {
      if (passwordFile == null) {
        return password;
      }
      try {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        return text.endsWith("\r\n")
            ? text.substring(0, text.length() - 2)
            : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      } catch (IOException e) {
        throw new StoreException(
            StoreException.Problem.IO,
            "Cannot read the database password file " + passwordFile + ": " + e.getMessage(),
            e);
      }
    }

    private HikariDataSource open(String url, String where) {
      HikariConfig config = new HikariConfig();
      config.setPoolName("ioc-sync-store");
      config.setJdbcUrl(url);
      if (user != null) {
        config.setUsername(user);
      }
      String secret = readPassword();
      if (secret != null) {
        config.setPassword(secret);
      }
      config.setAutoCommit(false);
      config.setMaximumPoolSize(maximumPoolSize);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(connectionTimeout.toMillis());
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.addDataSourceProperty(
          "connectTimeout", String.valueOf(Math.max(1, connectionTimeout.toSeconds())));
      config.addDataSourceProperty("ApplicationName", "IOC Sync");
      // The server ends a transaction left open by a client it lost, so that taking the job's
      // lease over need not wait for that client's connection to time out.
      config.addDataSourceProperty(
          "options", "-c idle_in_transaction_session_timeout=" + leaseDuration.toMillis());
      try {
        return new HikariDataSource(config);
      } catch (RuntimeException e) {
        SQLException sql = findSqlException(e);
        if (sql != null) {
          throw translate(sql, where, "connecting");
        }
        throw new StoreException(
            StoreException.Problem.IO,
            "Cannot connect to the database " + where + ": " + e.getMessage(),
            e);
      }
    }

    private static void migrate(HikariDataSource dataSource, String where) {
      try {
        Flyway flyway =
            Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration-postgresql")
                .loggers("slf4j")
                .load();
        for (MigrationInfo info : flyway.info().applied()) {
          if (info.getState() == MigrationState.FUTURE_SUCCESS
              || info.getState() == MigrationState.FUTURE_FAILED) {
            throw new StoreException(
                StoreException.Problem.NEWER_SCHEMA,
                "The database "
                    + where
                    + " has schema version "
                    + flyway.info().current().getVersion()
                    + ", written by a newer IOC Sync; this build knows up to version "
                    + latestKnown(flyway)
                    + ". Run the newer IOC Sync on every instance, or restore a backup made for"
                    + " this one.",
                null);
          }
        }
        flyway.migrate();
      } catch (FlywayException e) {
        SQLException sql = findSqlException(e);
        if (sql != null) {
          throw translate(sql, where, "migrating the schema");
        }
        throw new StoreException(
            StoreException.Problem.IO,
            "Cannot migrate the schema of " + where + ": " + e.getMessage(),
            e);
      }
    }

    private static String latestKnown(Flyway flyway) {
      String latest = "none";
      for (MigrationInfo info : flyway.info().all()) {
        if (info.getState() != MigrationState.FUTURE_SUCCESS
            && info.getState() != MigrationState.FUTURE_FAILED
            && info.getVersion() != null) {
          latest = info.getVersion().getVersion();
        }
      }
      return latest;
    }

    private static String defaultInstanceId() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "ioc-sync";
      }
      return host + "-" + ProcessHandle.current().pid();
    }
  }

  /** The URL without its query, which may carry a password. */
  static String redact(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query) + "?…";
  }

  private void checkKey() {
    byte[] sealed = secretBox.seal(KEY_CHECK_NAME, KEY_CHECK_TEXT);
    byte[] stored =
        write(
            "checking the secret key",
            null,
            c -> {
              update(
                  c,
                  "INSERT INTO key_check (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                  sealed);
              try (PreparedStatement statement =
                      c.prepareStatement("SELECT sealed FROM key_check WHERE id = 1");
                  ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBytes(1);
              }
            });
    try {
      secretBox.open(KEY_CHECK_NAME, stored);
    } catch (AEADBadTagException e) {
      throw new StoreException(
          StoreException.Problem.SECRET_KEY,
          "The secret key given to this instance is not the one the secrets in "
              + where
              + " are sealed with: give every instance the key of the first one (its key file, or"
              + " the same Base64 text)",
          e);
    }
  }

  /** The name this instance goes by in leases and run history. */
  public String instanceId() {
    return instanceId;
  }

  /** The leases on this store's jobs, which the engine takes before each run. */
  JobLeases leases() {
    return leases;
  }

  @Override
  public void saveJob(JobSpec spec) {
    String json = SPEC_JSON.toJson(spec);
    long now = System.currentTimeMillis();
    write(
        "saving job " + spec.name(),
        null,
        c -> {
          Optional<JobSpec> old = selectJob(c, spec.name(), true).map(StoredJob::spec);
          update(
              c,
              "INSERT INTO job (name, spec, paused, created_at, updated_at)"
                  + " VALUES (?, ?, FALSE, ?, ?)"
                  + " ON CONFLICT (name) DO UPDATE SET spec = excluded.spec,"
                  + " updated_at = excluded.updated_at",
              spec.name(),
              json,
              now,
              now);
          if (old.isPresent() && targetChanged(old.get(), spec)) {
            updateJob(c, "DELETE FROM ledger WHERE job = ?", spec.name());
            updateJob(c, "DELETE FROM holder WHERE job = ?", spec.name());
            updateJob(c, "DELETE FROM job_state WHERE job = ?", spec.name());
          } else if (old.isPresent() && filterChanged(old.get(), spec)) {
            updateJob(c, "UPDATE job_state SET cursor = NULL WHERE job = ?", spec.name());
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
    return read("reading job " + name, c -> selectJob(c, name, false));
  }

  private Optional<StoredJob> selectJob(Connection c, String name, boolean forUpdate)
      throws SQLException {
    String sql =
        "SELECT spec, paused FROM job WHERE name = ?" + (forUpdate ? " FOR NO KEY UPDATE" : "");
    try (PreparedStatement statement = prepare(c, sql, name);
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? Optional.of(storedJob(rows)) : Optional.empty();
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
          "A job in " + where + " cannot be read (" + e.getMessage() + "): restore a backup",
          e);
    }
    if (spec == null) {
      throw new StoreException(
          StoreException.Problem.CORRUPT, "A job in " + where + " is empty", null);
    }
    return new StoredJob(spec, rows.getBoolean("paused"));
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
        null,
        c -> {
          clearStaging(c, name);
          return update(c, "DELETE FROM job WHERE name = ?", name) > 0;
        });
  }

  @Override
  public void setPaused(String name, boolean paused) {
    write(
        "pausing job " + name,
        null,
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
        null,
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
                    rows.getString(1), rows.getString(2), rows.getBoolean(3), rows.getString(4)));
          }
        });
  }

  @Override
  public void saveSecret(String name, String secret) {
    byte[] sealed = secretBox.seal(name, secret);
    write(
        "saving a secret",
        null,
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
              + "' does not decrypt with this instance's key: it was sealed under another key or"
              + " altered. Give every instance the same key, or enter the secret again.",
          e);
    }
  }

  @Override
  public void deleteSecret(String name) {
    write("deleting a secret", null, c -> update(c, "DELETE FROM secret WHERE name = ?", name));
  }

  @Override
  public SyncState syncState(String job) {
    return read(
        "reading the state of job " + job,
        c -> {
          Long cursor = null;
          Long lastFull = null;
          try (PreparedStatement statement =
                  prepare(c, "SELECT cursor, last_full_at FROM job_state WHERE job = ?", job);
              ResultSet rows = statement.executeQuery()) {
            if (rows.next()) {
              cursor = nullableLong(rows, 1);
              lastFull = nullableLong(rows, 2);
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
              states.getOrDefault(SqliteStore.LedgerState.CONFIRMED, 0L),
              states.getOrDefault(SqliteStore.LedgerState.PENDING_ADD, 0L),
              states.getOrDefault(SqliteStore.LedgerState.PENDING_REMOVE, 0L));
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
                    + " removed, rejected, skipped_by_reason, error, instance FROM run "
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
                rows.getString("error"),
                rows.getString("instance")));
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
                      rows.getBoolean(2),
                      Instant.ofEpochMilli(rows.getLong(3))));
            }
          }
          return values;
        });
  }

  @Override
  public long beginRun(String job, RunKind kind, Instant startedAt) {
    return write(
        "starting a run of job " + job,
        job,
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
                      "INSERT INTO run (job, kind, started_at, outcome, instance)"
                          + " VALUES (?, ?, ?, ?, ?) RETURNING id",
                      job,
                      kind.name(),
                      startedAt.toEpochMilli(),
                      RunOutcome.RUNNING.name(),
                      instanceId);
              ResultSet keys = statement.executeQuery()) {
            keys.next();
            return keys.getLong(1);
          }
        });
  }

  @Override
  public void clearStaging(String job) {
    write(
        "emptying the staging area of job " + job,
        job,
        c -> {
          clearStaging(c, job);
          return null;
        });
  }

  private static void clearStaging(Connection c, String job) throws SQLException {
    for (String table :
        List.of("stage_attribute", "stage_present", "stage_candidate", "stage_plan")) {
      update(c, "DELETE FROM " + table + " WHERE job = ?", job);
    }
  }

  @Override
  public void stageAttributes(String job, List<StagedAttribute> batch) {
    // One statement may not update a row twice, so a uuid read twice in a batch is sent once,
    // with its latest reading.
    Map<String, StagedAttribute> latest = new LinkedHashMap<>();
    for (StagedAttribute attribute : batch) {
      latest.merge(
          attribute.uuid(),
          attribute,
          (known, later) -> later.timestamp() >= known.timestamp() ? later : known);
    }
    write(
        "staging attributes of job " + job,
        job,
        c -> {
          try (PreparedStatement statement =
              c.prepareStatement(
                  "INSERT INTO stage_attribute (job, uuid, value, reason, ts)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (job, uuid) DO UPDATE"
                      + " SET value = excluded.value, reason = excluded.reason, ts = excluded.ts"
                      + " WHERE excluded.ts >= stage_attribute.ts")) {
            for (StagedAttribute attribute : latest.values()) {
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
    write(
        "staging the set's values for job " + job,
        job,
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

  @Override
  public Plan plan(String job, RunKind kind, SyncMode mode) {
    return write(
        "planning the run of job " + job,
        job,
        c -> {
          updateJob(c, "DELETE FROM stage_plan WHERE job = ?", job);
          updateJob(c, "DELETE FROM stage_candidate WHERE job = ?", job);
          long desired =
              kind == RunKind.FULL ? planFull(c, job, mode) : planIncremental(c, job, mode);
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
    updateJob(
        c,
        "INSERT INTO stage_plan (job, action, value)"
            + " SELECT ?, 'ADD', d.value FROM"
            + " (SELECT DISTINCT value FROM stage_attribute WHERE job = ? AND value IS NOT NULL) d"
            + " WHERE NOT EXISTS (SELECT 1 FROM stage_present p WHERE p.job = ?"
            + " AND p.value = d.value)"
            + " OR EXISTS (SELECT 1 FROM ledger l WHERE l.job = ? AND l.value = d.value"
            + " AND l.state <> 'CONFIRMED')",
        job);
    if (mode == SyncMode.MIRROR) {
      updateJob(
          c,
          "INSERT INTO stage_plan (job, action, value)"
              + " SELECT ?, 'REMOVE', l.value FROM ledger l WHERE l.job = ?"
              + " AND NOT EXISTS (SELECT 1 FROM stage_attribute s WHERE s.job = ?"
              + " AND s.value = l.value)",
          job);
    }
    return queryLong(
        c,
        "SELECT COUNT(DISTINCT value) FROM stage_attribute WHERE job = ? AND value IS NOT NULL",
        job);
  }

  private static long planIncremental(Connection c, String job, SyncMode mode) throws SQLException {
    // Only the values the staged attributes held or hold now can change, plus pending values,
    // which count as the job's own until confirmed.
    updateJob(
        c,
        "INSERT INTO stage_candidate (job, value, desired, was_desired, state)"
            + " SELECT ?, cand.value,"
            + " EXISTS (SELECT 1 FROM stage_attribute s WHERE s.job = ? AND s.value = cand.value)"
            + " OR EXISTS (SELECT 1 FROM holder h WHERE h.job = ? AND h.value = cand.value"
            + " AND NOT EXISTS (SELECT 1 FROM stage_attribute s WHERE s.job = ?"
            + " AND s.uuid = h.uuid)),"
            + " EXISTS (SELECT 1 FROM holder h WHERE h.job = ? AND h.value = cand.value),"
            + " (SELECT l.state FROM ledger l WHERE l.job = ? AND l.value = cand.value)"
            + " FROM (SELECT h.value AS value FROM holder h JOIN stage_attribute s"
            + " ON s.job = h.job AND s.uuid = h.uuid WHERE h.job = ?"
            + " UNION SELECT value FROM stage_attribute WHERE job = ? AND value IS NOT NULL"
            + " UNION SELECT value FROM ledger WHERE job = ?"
            + " AND state IN ('PENDING_ADD', 'PENDING_REMOVE')) cand",
        job);
    updateJob(
        c,
        "INSERT INTO stage_plan (job, action, value) SELECT job, 'ADD', value"
            + " FROM stage_candidate cand WHERE job = ? AND desired"
            + " AND (state IN ('PENDING_ADD', 'PENDING_REMOVE')"
            + " OR state IS NULL AND NOT EXISTS (SELECT 1 FROM stage_present p"
            + " WHERE p.job = cand.job AND p.value = cand.value))",
        job);
    if (mode == SyncMode.MIRROR) {
      updateJob(
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
            : queryLong(c, "SELECT COUNT(DISTINCT value) FROM holder WHERE job = ?", job);
    long change =
        queryLong(
            c,
            "SELECT COALESCE(SUM(desired::INTEGER - was_desired::INTEGER), 0)"
                + " FROM stage_candidate WHERE job = ?",
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
    return read(
        "reading the values job " + job + " may add but does not own",
        c -> {
          List<String> values = new ArrayList<>(Math.min(limit, 10_000));
          try (PreparedStatement statement =
                  prepare(
                      c,
                      "SELECT value FROM (SELECT value FROM stage_attribute"
                          + " WHERE job = ? AND value IS NOT NULL"
                          + " UNION SELECT h.value FROM holder h JOIN stage_attribute s"
                          + " ON s.job = h.job AND s.uuid = h.uuid WHERE h.job = ?) v"
                          + " WHERE value > ? AND NOT EXISTS (SELECT 1 FROM ledger l"
                          + " WHERE l.job = ? AND l.value = v.value) ORDER BY value LIMIT ?",
                      job,
                      job,
                      after == null ? "" : after,
                      job,
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
        job,
        c -> {
          if (kind == RunKind.FULL) {
            updateJob(c, "DELETE FROM holder WHERE job = ?", job);
          } else {
            updateJob(
                c,
                "DELETE FROM holder WHERE job = ?"
                    + " AND uuid IN (SELECT uuid FROM stage_attribute WHERE job = ?)",
                job);
          }
          updateJob(
              c,
              "INSERT INTO holder (job, uuid, value) SELECT job, uuid, value FROM stage_attribute"
                  + " WHERE job = ? AND value IS NOT NULL",
              job);
          update(
              c,
              "INSERT INTO ledger (job, value, state, updated_at)"
                  + " SELECT job, value, 'PENDING_ADD', ? FROM stage_plan"
                  + " WHERE job = ? AND action = 'ADD'"
                  + " ON CONFLICT (job, value) DO UPDATE SET state = 'PENDING_ADD',"
                  + " updated_at = excluded.updated_at",
              now,
              job);
          update(
              c,
              "UPDATE ledger SET state = 'PENDING_REMOVE', updated_at = ? WHERE job = ?"
                  + " AND value IN (SELECT value FROM stage_plan WHERE job = ?"
                  + " AND action = 'REMOVE')",
              now,
              job,
              job);
          update(
              c,
              "INSERT INTO job_state (job, desired) VALUES (?, ?)"
                  + " ON CONFLICT (job) DO UPDATE SET desired = excluded.desired",
              job,
              plan.desired());
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
    write(
        "confirming values added by job " + job,
        job,
        c -> {
          try (PreparedStatement statement =
              c.prepareStatement(
                  "UPDATE ledger SET state = 'CONFIRMED', updated_at = ? WHERE job = ?"
                      + " AND value = ?")) {
            for (String value : accepted) {
              bind(statement, at.toEpochMilli(), job, value);
              statement.addBatch();
            }
            statement.executeBatch();
          }
          deleteFromLedger(c, job, rejected);
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

  @Override
  public void confirmRemoved(long runId, String job, List<String> removed, Instant at) {
    write(
        "confirming values removed by job " + job,
        job,
        c -> {
          deleteFromLedger(c, job, removed);
          update(c, "UPDATE run SET removed = removed + ? WHERE id = ?", removed.size(), runId);
          remember(c, job, removed, false, at);
          return null;
        });
  }

  private static void deleteFromLedger(Connection c, String job, List<String> values)
      throws SQLException {
    try (PreparedStatement statement =
        c.prepareStatement("DELETE FROM ledger WHERE job = ? AND value = ?")) {
      for (String value : values) {
        bind(statement, job, value);
        statement.addBatch();
      }
      statement.executeBatch();
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
        "DELETE FROM recent_value WHERE job = ? AND id <= (SELECT id FROM recent_value"
            + " WHERE job = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
        job,
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
    write(
        "ending the run of job " + job,
        job,
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
                "INSERT INTO job_state (job, cursor) VALUES (?, ?)"
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
              "DELETE FROM run WHERE job = ? AND id <= (SELECT id FROM run WHERE job = ?"
                  + " ORDER BY id DESC LIMIT 1 OFFSET ?)",
              job,
              job,
              runHistoryLimit);
          return null;
        });
  }

  private JobLease acquireLease(String job) {
    checkOpen();
    long askedAt = System.nanoTime();
    long millis = leaseDuration.toMillis();
    long token =
        write(
            "taking the lease on job " + job,
            null,
            c -> {
              execute(c, "SET LOCAL lock_timeout = " + Math.max(100, millis / 10));
              // A lease given up between two of these statements is simply tried for again.
              for (int attempt = 1; ; attempt++) {
                OptionalLong taken = insertLease(c, job, millis);
                if (taken.isEmpty()) {
                  taken = takeOver(c, job, millis);
                }
                if (taken.isPresent()) {
                  return taken.getAsLong();
                }
                if (queryLong(c, "SELECT COUNT(*) FROM job WHERE name = ?", job) == 0) {
                  throw new IllegalArgumentException("No job is called '" + job + "'");
                }
                if (attempt == 3) {
                  throw new JobBusyException(job, "another instance", leaseDuration);
                }
              }
            });
    JobLease lease = new JobLease(job, instanceId, token, leaseDuration, askedAt);
    long period = Math.max(1, millis / 3);
    ScheduledFuture<?> renewal =
        renewer.scheduleWithFixedDelay(() -> renew(lease), period, period, TimeUnit.MILLISECONDS);
    held.put(job, new Held(lease, renewal));
    return lease;
  }

  /** Makes the job's lease when it has none; returns its token, or empty when it has one. */
  private OptionalLong insertLease(Connection c, String job, long millis) throws SQLException {
    try (PreparedStatement statement =
            prepare(
                c,
                "INSERT INTO job_lease (job, holder, token, acquired_at, expires_at)"
                    + " SELECT name, ?, nextval('lease_token'), clock_timestamp(),"
                    + " clock_timestamp() + ? * INTERVAL '1 millisecond'"
                    + " FROM job WHERE name = ?"
                    + " ON CONFLICT (job) DO NOTHING RETURNING token",
                instanceId,
                millis,
                job);
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
    }
  }

  /**
   * Takes an expired lease over and returns its token, or empty when the job has no lease (any
   * more).
   *
   * @throws JobBusyException when the lease is still running, or its holder is still writing
   */
  private OptionalLong takeOver(Connection c, String job, long millis) throws SQLException {
    String holder;
    boolean expired;
    long remaining;
    try (PreparedStatement statement =
            prepare(
                c,
                "SELECT holder, expires_at <= clock_timestamp(),"
                    + " GREATEST(0, CEIL(EXTRACT(EPOCH FROM expires_at - clock_timestamp())"
                    + " * 1000))::BIGINT FROM job_lease WHERE job = ?",
                job);
        ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        return OptionalLong.empty();
      }
      holder = rows.getString(1);
      expired = rows.getBoolean(2);
      remaining = rows.getLong(3);
    }
    if (!expired) {
      throw new JobBusyException(job, holder, Duration.ofMillis(remaining));
    }

    // Locking the row waits for the writes the former holder has in flight, which read it while
    // their lease was good; a holder still writing after that long is taken as alive.
    try (PreparedStatement statement =
            prepare(
                c,
                "SELECT expires_at <= clock_timestamp() FROM job_lease WHERE job = ? FOR UPDATE",
                job);
        ResultSet rows = statement.executeQuery()) {
      if (!rows.next()) {
        return OptionalLong.empty();
      }
      if (!rows.getBoolean(1)) {
        throw new JobBusyException(job, holder, leaseDuration);
      }
    } catch (SQLException e) {
      if (!"55P03".equals(e.getSQLState())) {
        throw e;
      }
      throw new JobBusyException(job, holder, leaseDuration);
    }
    try (PreparedStatement statement =
            prepare(
                c,
                "UPDATE job_lease SET holder = ?, token = nextval('lease_token'),"
                    + " acquired_at = clock_timestamp(),"
                    + " expires_at = clock_timestamp() + ? * INTERVAL '1 millisecond'"
                    + " WHERE job = ? RETURNING token",
                instanceId,
                millis,
                job);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return OptionalLong.of(rows.getLong(1));
    }
  }

  private void renew(JobLease lease) {
    if (!lease.held()) {
      forget(lease);
      return;
    }
    long askedAt = System.nanoTime();
    int renewed;
    try {
      renewed =
          write(
              "renewing the lease on job " + lease.job(),
              null,
              c -> {
                execute(
                    c, "SET LOCAL lock_timeout = " + Math.max(100, leaseDuration.toMillis() / 10));
                return update(
                    c,
                    "UPDATE job_lease SET expires_at = clock_timestamp() + ? * INTERVAL"
                        + " '1 millisecond' WHERE job = ? AND token = ?"
                        + " AND expires_at > clock_timestamp()",
                    leaseDuration.toMillis(),
                    lease.job(),
                    lease.token());
              });
    } catch (RuntimeException e) {
      // The database is out of reach: the lease runs out on its own, and the run with it, unless
      // a later renewal gets through in time.
      return;
    }
    if (renewed == 1) {
      lease.renewed(askedAt);
    } else {
      forget(lease);
    }
  }

  private void forget(JobLease lease) {
    lease.lose();
    Held entry = held.get(lease.job());
    if (entry != null && entry.lease() == lease) {
      entry.renewal().cancel(false);
    }
  }

  private void releaseLease(JobLease lease) {
    Held entry = held.get(lease.job());
    if (entry != null && entry.lease() == lease) {
      entry.renewal().cancel(false);
      held.remove(lease.job(), entry);
    }
    lease.lose();
    if (closed) {
      return;
    }
    try {
      write(
          "giving up the lease on job " + lease.job(),
          null,
          c ->
              update(
                  c,
                  "DELETE FROM job_lease WHERE job = ? AND token = ?",
                  lease.job(),
                  lease.token()));
    } catch (RuntimeException e) {
      // The lease expires by itself; until then the job waits, as it would after a crash.
    }
  }

  /**
   * Refuses a write for {@code job} when this store held its lease and lost it. Run in the write's
   * transaction, it also keeps the lease from being taken over until the write ends.
   */
  private void fence(Connection c, String job) throws SQLException {
    Held entry = held.get(job);
    if (entry == null) {
      return;
    }
    JobLease lease = entry.lease();
    try (PreparedStatement statement =
            prepare(
                c,
                "SELECT 1 FROM job_lease WHERE job = ? AND token = ?"
                    + " AND expires_at > clock_timestamp() FOR KEY SHARE",
                job,
                lease.token());
        ResultSet rows = statement.executeQuery()) {
      if (rows.next()) {
        return;
      }
    }
    forget(lease);
    String holder = null;
    try (PreparedStatement statement =
            prepare(c, "SELECT holder FROM job_lease WHERE job = ?", job);
        ResultSet rows = statement.executeQuery()) {
      if (rows.next()) {
        holder = rows.getString(1);
      }
    }
    throw new StoreException(
        StoreException.Problem.LOCKED,
        "Instance '"
            + instanceId
            + "' lost its lease on job '"
            + job
            + "' (it could not renew it within "
            + leaseDuration.toSeconds()
            + " s)"
            + (holder == null ? "" : " and instance '" + holder + "' has taken the job over")
            + ", so this run stops here; the job's next run repairs what it left",
        null);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    for (Held entry : List.copyOf(held.values())) {
      releaseLease(entry.lease());
    }
    closed = true;
    renewer.shutdownNow();
    dataSource.close();
  }

  @Override
  public String toString() {
    return "PostgresStore{" + where + ", instance " + instanceId + "}";
  }

  private interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T read(String action, SqlWork<T> work) {
    return write(action, null, work);
  }

  /**
   * Runs {@code work} in one transaction, first checking this instance's lease on {@code job} when
   * it holds one.
   */
  private <T> T write(String action, @Nullable String job, SqlWork<T> work) {
    checkOpen();
    try (Connection c = dataSource.getConnection()) {
      try {
        if (job != null) {
          fence(c, job);
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw translate(e, where, action);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store " + where + " is closed");
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is gone, which ends the transaction as well; the first failure says more.
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static int update(Connection c, String sql, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement statement = prepare(c, sql, args)) {
      return statement.executeUpdate();
    }
  }

  /** Runs {@code sql} with {@code job} bound to each of its parameters. */
  private static int updateJob(Connection c, String sql, String job) throws SQLException {
    Object[] args = new Object[(int) sql.chars().filter(ch -> ch == '?').count()];
    Arrays.fill(args, job);
    return update(c, sql, args);
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
        statement.setBoolean(index, b);
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

  private static @Nullable SQLException findSqlException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  static StoreException translate(SQLException e, String where, String action) {
    String state = sqlState(e);
    String cls = state.length() >= 2 ? state.substring(0, 2) : "";
    if (cls.equals("08") || state.isEmpty()) {
      return new StoreException(
          StoreException.Problem.IO,
          "Cannot reach the database "
              + where
              + " while "
              + action
              + " ("
              + e.getMessage()
              + "): check that PostgreSQL runs and that this machine may connect to it",
          e);
    }
    if (cls.equals("28")) {
      return new StoreException(
          StoreException.Problem.IO,
          "The database "
              + where
              + " refused the user or password ("
              + e.getMessage()
              + "): check the store's user and password file",
          e);
    }
    return switch (state) {
      case "3D000" ->
          new StoreException(
              StoreException.Problem.IO,
              "The database "
                  + where
                  + " does not exist: create it (CREATE DATABASE ... OWNER ...) and start again",
              e);
      case "42501" ->
          new StoreException(
              StoreException.Problem.IO,
              "The database user may not do what IOC Sync needs while "
                  + action
                  + " in "
                  + where
                  + " ("
                  + e.getMessage()
                  + "): make it the owner of the database, or grant it the rights",
              e);
      case "53100" ->
          new StoreException(
              StoreException.Problem.DISK_FULL,
              "The disk of the database "
                  + where
                  + " is full: "
                  + action
                  + " was rolled back and everything committed before is kept. Free some space"
                  + " and retry.",
              e);
      case "55P03", "40P01", "40001" ->
          new StoreException(
              StoreException.Problem.LOCKED,
              "The database "
                  + where
                  + " kept "
                  + action
                  + " waiting on another session's lock ("
                  + e.getMessage()
                  + "); nothing was changed: retry",
              e);
      case "XX001", "XX002" ->
          new StoreException(
              StoreException.Problem.CORRUPT,
              "The database "
                  + where
                  + " is damaged ("
                  + e.getMessage()
                  + "), found while "
                  + action
                  + ": restore it from a backup",
              e);
      default ->
          new StoreException(
              StoreException.Problem.IO,
              "The database " + where + " failed while " + action + ": " + e.getMessage(),
              e);
    };
  }

  /** The SQL state of {@code e} or of the first cause that has one; empty when none has. */
  private static String sqlState(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "";
  }
}
