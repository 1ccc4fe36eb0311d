package org.iocsync.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.KeyMaterial;
import org.iocsync.core.Server;
import org.iocsync.core.SqliteStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What running inside QRadar's app framework changes, read from the variables the framework sets:
 * where state is kept, the key of stored secrets, and the QRadar connection, which is the console
 * itself, reached with the authorized service token QRadar gives the app.
 */
final class QradarApp {
  /**
   * Set by QRadar once an administrator has authorised the app's {@code authentication} request.
   */
  static final String TOKEN_VARIABLE = "SEC_ADMIN_TOKEN";

  /** The folder under the framework's persistent store that holds IOC Sync's state. */
  static final String STATE_FOLDER = "ioc-sync-data";

  private static final Logger LOG = LoggerFactory.getLogger(QradarApp.class);
  private static final Path DEFAULT_APP_ROOT = Path.of("/opt/app-root");

  private QradarApp() {}

  /** Whether the environment is a QRadar app container: {@code QRADAR_APP_ID} is set. */
  static boolean detected(Map<String, String> env) {
    return value(env, "QRADAR_APP_ID") != null;
  }

  /**
   * The state directory: {@code store/ioc-sync-data} under {@code APP_ROOT}, {@code /opt/app-root}
   * when unset. The store is the one folder QRadar keeps across restarts and upgrades.
   */
  static Path stateDirectory(Map<String, String> env) {
    String root = value(env, "APP_ROOT");
    return (root != null ? Path.of(root) : DEFAULT_APP_ROOT).resolve("store").resolve(STATE_FOLDER);
  }

  /**
   * The console's API address, {@code https://} and {@code QRADAR_CONSOLE_FQDN} (or {@code
   * QRADAR_CONSOLE_IP}), as IBM's qpylib reaches it.
   */
  static Optional<String> consoleUrl(Map<String, String> env) {
    String host = value(env, "QRADAR_CONSOLE_FQDN");
    if (host == null) {
      host = value(env, "QRADAR_CONSOLE_IP");
    }
    if (host == null) {
      return Optional.empty();
    }
    boolean bareIpv6 = host.indexOf(':') != host.lastIndexOf(':') && !host.startsWith("[");
    return Optional.of("https://" + (bareIpv6 ? "[" + host + "]" : host));
  }

  /**
   * The key of stored secrets, derived from {@code QRADAR_APP_UUID} (see {@link AppIdentityKey}),
   * or empty to keep the store's default key file: when the UUID is unset, or when the state
   * directory already holds a key file from an earlier version, whose secrets it must still open.
   */
  static Optional<KeyMaterial> storeKey(@Nullable String appUuid, Path stateDir) {
    if (appUuid == null
        || Files.exists(stateDir.resolve(SqliteStore.KEY_FILE))
            && Files.notExists(stateDir.resolve(AppIdentityKey.SALT_FILE))) {
      return Optional.empty();
    }
    return Optional.of(AppIdentityKey.derive(appUuid, stateDir.resolve(AppIdentityKey.SALT_FILE)));
  }

  /**
   * Points the QRadar connection at the console with the app's authorized service token. A
   * connection someone pointed at another QRadar is left alone; without a token (the app is not
   * authorised yet) nothing changes and a warning says what to do.
   */
  static void connectConsole(SyncService service, Map<String, String> env) {
    Optional<String> console = consoleUrl(env);
    String token = value(env, TOKEN_VARIABLE);
    if (console.isEmpty()) {
      LOG.warn(
          "Neither QRADAR_CONSOLE_FQDN nor QRADAR_CONSOLE_IP is set: enter the QRadar connection"
              + " on the main page");
      return;
    }
    if (token == null) {
      LOG.warn(
          "QRadar has not given this app an authorized service token yet: authorise the app"
              + " (Admin > Extensions Management, then the Application Assistant) and deploy"
              + " changes, or enter a token on the main page");
      return;
    }

    Optional<ConnectionSettings> saved = service.connection(Server.QRADAR);
    if (saved.isPresent() && !saved.get().url().equals(console.get())) {
      LOG.info(
          "The QRadar connection points at {}, not at this console: left as it is",
          saved.get().url());
      return;
    }
    @Nullable String apiVersion = saved.map(ConnectionSettings::apiVersion).orElse(null);
    service.saveConnection(
        Server.QRADAR,
        new ConnectionSettings(console.get(), apiVersion, true, null),
        new Secret(token));
  }

  private static @Nullable String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
