package org.iocsync.web;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the web server listens and whether it runs as a QRadar app.
 *
 * @param bindAddress address to listen on
 * @param port port to listen on; 0 picks a free one
 * @param stateDir folder of the database, the secrets' key and the admin password
 * @param qradarAppId the QRadar app id when running inside QRadar, else null
 * @param consoleHost the QRadar console's host name or address when running inside QRadar
 * @param qradarAppUuid the app definition's UUID inside QRadar, which the key of stored secrets is
 *     derived from; else null
 * @param store the shared PostgreSQL store, or null for SQLite in the state directory
 */
record WebSettings(
    String bindAddress,
    int port,
    Path stateDir,
    @Nullable String qradarAppId,
    @Nullable String consoleHost,
    @Nullable String qradarAppUuid,
    @Nullable StoreSettings store) {

  static final String STANDALONE_BIND_ADDRESS = "127.0.0.1";
  static final int STANDALONE_PORT = 8080;

  /** The address and port QRadar's app framework expects an app to listen on. */
  static final String QRADAR_BIND_ADDRESS = "0.0.0.0";

  static final int QRADAR_PORT = 5000;

  WebSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not within 0..65535");
    }
  }

  /**
   * Reads the QRadar app framework's variables; an unset {@code QRADAR_APP_ID} means standalone. A
   * null bind address or port takes the mode's default.
   */
  static WebSettings fromEnvironment(
      Map<String, String> env,
      @Nullable String bindAddress,
      @Nullable Integer port,
      Path stateDir) {
    String appId = blankToNull(env.get("QRADAR_APP_ID"));
    String console = blankToNull(env.get("QRADAR_CONSOLE_FQDN"));
    if (console == null) {
      console = blankToNull(env.get("QRADAR_CONSOLE_IP"));
    }
    boolean qradar = appId != null;
    return new WebSettings(
        bindAddress != null ? bindAddress : qradar ? QRADAR_BIND_ADDRESS : STANDALONE_BIND_ADDRESS,
        port != null ? port : qradar ? QRADAR_PORT : STANDALONE_PORT,
        stateDir,
        appId,
        qradar ? console : null,
        qradar ? blankToNull(env.get("QRADAR_APP_UUID")) : null,
        null);
  }

  /** These settings with another store. */
  WebSettings withStore(@Nullable StoreSettings other) {
    return new WebSettings(
        bindAddress, port, stateDir, qradarAppId, consoleHost, qradarAppUuid, other);
  }

  /** Whether the app runs inside QRadar, behind the console's authentication and proxy. */
  boolean qradarApp() {
    return qradarAppId != null;
  }

  /** The session cookie's name: one per QRadar app, since all apps share the console's origin. */
  String sessionCookieName() {
    String appId = qradarAppId;
    return appId == null ? "ioc_sync_session" : "ioc_sync_session_" + appId.replaceAll("\\W", "_");
  }

  /**
   * The path the session cookie is sent back to: inside QRadar only the app's proxy path, so that
   * the other apps of the console, which share its origin, never receive it.
   */
  String cookiePath() {
    String appId = qradarAppId;
    return appId == null ? "/" : "/console/plugins/" + appId.replaceAll("\\W", "_") + "/app_proxy";
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
