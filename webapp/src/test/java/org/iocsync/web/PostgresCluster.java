package org.iocsync.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A throwaway PostgreSQL cluster for tests, made with the server binaries of Debian's {@code
 * postgresql} package: initdb into a temporary directory, a server on a free port of 127.0.0.1,
 * stopped and deleted when the test run ends. One cluster serves every test of a run; each test
 * takes a database of its own. As root, the server runs as the {@code postgres} user, since initdb
 * refuses root.
 *
 * <p>Tests that use it are skipped, saying why, where no cluster can start; with the environment
 * variable {@value #REQUIRE} set to {@code true} they fail instead, so that CI cannot pass without
 * them.
 */
final class PostgresCluster implements AutoCloseable {
  static final String REQUIRE = "IOC_SYNC_REQUIRE_POSTGRES";
  static final String USER = "iocsync";
  static final String PASSWORD = "test-password-9f2c";

  private static final long STEP_SECONDS = 60;

  private final Path dir;
  private final Path bin;
  private final boolean asPostgres;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();
  private final AtomicBoolean stopped = new AtomicBoolean();

  private PostgresCluster(Path dir, Path bin, boolean asPostgres, int port) {
    this.dir = dir;
    this.bin = bin;
    this.asPostgres = asPostgres;
    this.port = port;
    // Should the test run be cut short, the server must not outlive it.
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopQuietly, "stop-test-postgres"));
  }

  /** Resolves {@link PostgresCluster} parameters, skipping the test where none can start. */
  static final class Available implements BeforeEachCallback, ParameterResolver {
    @Override
    public void beforeEach(ExtensionContext context) {
      Outcome outcome = outcome(context);
      if (outcome.cluster == null) {
        if ("true".equals(System.getenv(REQUIRE))) {
          throw new IllegalStateException(
              "PostgreSQL is required (" + REQUIRE + "=true) but " + outcome.problem);
        }
        Assumptions.abort("PostgreSQL tests skipped: " + outcome.problem);
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == PostgresCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      PostgresCluster cluster = outcome(context).cluster;
      if (cluster == null) {
        throw new IllegalStateException("PostgreSQL is not available: " + outcome(context).problem);
      }
      return cluster;
    }

    private static Outcome outcome(ExtensionContext context) {
      return context
          .getRoot()
          .getStore(ExtensionContext.Namespace.create(PostgresCluster.class))
          .getOrComputeIfAbsent(Outcome.class, key -> Outcome.start(), Outcome.class);
    }
  }

  /** The cluster of this test run, or why there is none; closed when the run ends. */
  private static final class Outcome implements AutoCloseable {
    final @Nullable PostgresCluster cluster;
    final String problem;

    private Outcome(@Nullable PostgresCluster cluster, String problem) {
      this.cluster = cluster;
      this.problem = problem;
    }

    static Outcome start() {
      try {
        return new Outcome(PostgresCluster.start(), "");
      } catch (IOException | RuntimeException e) {
        return new Outcome(null, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(null, "interrupted while starting PostgreSQL");
      }
    }

    @Override
    public void close() throws IOException {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  private static PostgresCluster start() throws IOException, InterruptedException {
    Path bin =
        serverBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; install"
                            + " Debian's postgresql package (apt-get install postgresql)"));
    boolean asPostgres = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("ioc-sync-postgres-");
    try {
      Path passwordFile = dir.resolve("password");
      Files.writeString(passwordFile, PASSWORD, StandardCharsets.UTF_8);
      if (asPostgres) {
        UserPrincipal postgres =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
        Files.setOwner(passwordFile, postgres);
      }
      run(
          bin,
          asPostgres,
          dir,
          "initdb",
          "-D",
          dir.resolve("data").toString(),
          "-U",
          USER,
          "--pwfile=" + passwordFile,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "--encoding=UTF8",
          "--no-locale",
          "--no-sync");
      int port = freePort();
      run(
          bin,
          asPostgres,
          dir,
          "pg_ctl",
          "-D",
          dir.resolve("data").toString(),
          "-l",
          dir.resolve("server.log").toString(),
          "-w",
          "-t",
          String.valueOf(STEP_SECONDS),
          "-o",
          "-c listen_addresses=127.0.0.1 -p "
              + port
              + " -k "
              + dir
              + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
              + " -c max_connections=200",
          "start");
      return new PostgresCluster(dir, bin, asPostgres, port);
    } catch (IOException | RuntimeException | InterruptedException e) {
      deleteQuietly(dir);
      throw e;
    }
  }

  private static Optional<Path> serverBinaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(Comparator.comparingInt(PostgresCluster::majorVersion));
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void run(Path bin, boolean asPostgres, Path dir, String tool, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile(dir.getParent(), "ioc-sync-postgres-", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(STEP_SECONDS + 10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(tool + " did not finish within " + STEP_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        String log = Files.readString(output, StandardCharsets.UTF_8);
        Path serverLog = dir.resolve("server.log");
        if (Files.exists(serverLog)) {
          log += Files.readString(serverLog, StandardCharsets.UTF_8);
        }
        throw new IllegalStateException(
            tool + " failed with exit code " + process.exitValue() + ":\n" + log.strip());
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  int port() {
    return port;
  }

  /** The URL of {@code database} on this cluster. */
  String url(String database) {
    return url(port, database);
  }

  /** The URL of {@code database} reached through {@code port}, such as a proxy's. */
  static String url(int port, String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Makes an empty database and returns its name. */
  String createDatabase() throws SQLException {
    String name = "test_" + databases.incrementAndGet();
    try (Connection connection = connect("postgres");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  /** A connection to {@code database} as the cluster's superuser, for looking behind a store. */
  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), USER, PASSWORD);
  }

  private void stopQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // The JVM is ending; the temporary directory is all that can be left.
    }
  }

  @Override
  public void close() throws IOException {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      run(
          bin,
          asPostgres,
          dir,
          "pg_ctl",
          "-D",
          dir.resolve("data").toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping PostgreSQL", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException ignored) {
      // A temporary directory left behind does no harm.
    }
  }
}
