package org.iocsync.web;

import io.javalin.util.JavalinBindException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.iocsync.core.JobSpec;
import org.iocsync.core.Server;
import org.iocsync.core.StoreException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ioc-sync serve}: runs the web UI until the process is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the web UI and the scheduler until stopped.",
      "Standalone it listens on 127.0.0.1:8080; as a QRadar app (QRADAR_APP_ID set) on"
          + " 0.0.0.0:5000."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A JSON configuration file whose servers and jobs are copied into the state directory"
              + " at start; jobs made in the UI stay.")
  @Nullable Path config;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where the database, the secrets' key and the admin password live (default:"
              + " ioc-sync-data, or $APP_ROOT/store/ioc-sync-data as a QRadar app).")
  @Nullable Path stateDir;

  @Option(
      names = "--store-url",
      paramLabel = "URL",
      description =
          "Keeps jobs, connections and history in this PostgreSQL database"
              + " (jdbc:postgresql://...), shared with other instances, instead of SQLite in the"
              + " state directory; the user, password file and key come from the configuration's"
              + " store section, or IOC_SYNC_STORE_USER, IOC_SYNC_STORE_PASSWORD_FILE and"
              + " IOC_SYNC_STORE_KEY.")
  @Nullable String storeUrl;

  @Option(names = "--port", paramLabel = "N", description = "The port to listen on.")
  @Nullable Integer port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "The address to listen on; 0.0.0.0 for every interface.")
  @Nullable String bind;

  private final Console console;

  ServeCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() throws InterruptedException {
    Path file = config;
    @Nullable SyncConfig imported = null;
    if (file != null) {
      try {
        imported = new ConfigParser(console.env()).parse(file);
      } catch (ConfigException e) {
        console.err().println("Configuration error in " + e.getMessage());
        return Main.USAGE;
      }
    }
    @Nullable StoreSettings store;
    try {
      store =
          StoreSettings.resolve(imported == null ? null : imported.store(), storeUrl, console.env())
              .orElse(null);
    } catch (IllegalArgumentException e) {
      console.err().println(e.getMessage());
      return Main.USAGE;
    }
    if (port != null && (port < 0 || port > 65535)) {
      console.err().println("--port: " + port + " is not a port: use 0 to 65535");
      return Main.USAGE;
    }

    boolean qradarApp = QradarApp.detected(console.env());
    Path state = stateDir;
    if (state == null) {
      // A QRadar app keeps only what is under the framework's store across restarts.
      state = qradarApp ? QradarApp.stateDirectory(console.env()) : Path.of("ioc-sync-data");
    }
    WebSettings settings =
        WebSettings.fromEnvironment(console.env(), bind, port, state).withStore(store);
    WebComponent component =
        DaggerWebComponent.builder()
            .settings(settings)
            .clock(Clock.systemUTC())
            .connectors(
                new ClientConnectors(
                    qradarApp
                        ? OutboundSettings.fromEnvironment(console.env())
                        : OutboundSettings.NONE))
            .demo(Optional.empty())
            .build();
    WebServer server;
    try {
      server = component.server();
    } catch (StoreException | IllegalArgumentException e) {
      console.err().println("Cannot open the store: " + e.getMessage());
      return Main.FAILED;
    }
    if (imported != null) {
      importConfig(component.service(), imported);
    }
    if (qradarApp) {
      QradarApp.connectConsole(component.service(), console.env());
    }
    try {
      server.start();
    } catch (JavalinBindException e) {
      console
          .err()
          .println(
              "Cannot listen on "
                  + settings.bindAddress()
                  + ":"
                  + settings.port()
                  + ": "
                  + e.getMessage()
                  + "; choose another --port or --bind");
      return Main.FAILED;
    }

    component.service().startScheduling();
    announce(console, settings, server, component);
    awaitShutdown(server);
    return Main.OK;
  }

  /** Waits until the process is asked to stop, then closes what it runs, in order. */
  static void awaitShutdown(AutoCloseable... running) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable closeable : running) {
                    try {
                      closeable.close();
                    } catch (Exception e) {
                      // The process is ending; there is nobody left to tell.
                    }
                  }
                  stopped.countDown();
                },
                "ioc-sync-shutdown"));
    stopped.await();
  }

  /**
   * Copies a configuration file into the store: both connections with their secrets, and its jobs,
   * replacing those of the same names. Jobs made in the UI and not in the file stay.
   */
  static void importConfig(SyncService service, SyncConfig config) {
    service.saveConnection(Server.MISP, config.misp(), config.mispKey());
    service.saveConnection(Server.QRADAR, config.qradar(), config.qradarToken());
    for (JobSpec job : config.jobs()) {
      // Saving an unchanged job could still make its next run full; leave it be.
      if (service.job(job.name()).map(stored -> !stored.spec().equals(job)).orElse(true)) {
        service.saveJob(job);
      }
    }
  }

  /** Says where the UI is and how to get in. */
  static void announce(
      Console console, WebSettings settings, WebServer server, WebComponent component) {
    String host = settings.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : settings.bindAddress();
    console.out().println("IOC Sync is running at http://" + host + ":" + server.port() + "/");
    if (settings.qradarApp()) {
      console.out().println("Open it from the QRadar console; QRadar logs users in.");
    } else if (!component.adminPassword().isSet()) {
      console
          .out()
          .println(
              "No admin password is set yet: open the address and set one with the setup code "
                  + component.setupCode().code());
    } else {
      console.out().println("Log in with the admin password.");
    }
  }
}
