package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.Server;
import org.iocsync.core.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QradarAppTest {
  private static final String UUID = "20326029-aee0-460f-833f-49744eb403ce";

  @TempDir Path stateDir;

  @Test
  void keepsStateInTheStoreUnderAppRoot() {
    assertThat(QradarApp.stateDirectory(Map.of("APP_ROOT", "/srv/app")))
        .isEqualTo(Path.of("/srv/app/store/ioc-sync-data"));
    assertThat(QradarApp.stateDirectory(Map.of()))
        .isEqualTo(Path.of("/opt/app-root/store/ioc-sync-data"));
  }

  @Test
  void reachesTheConsoleByItsNameElseByItsAddress() {
    assertThat(
            QradarApp.consoleUrl(
                Map.of(
                    "QRADAR_CONSOLE_FQDN", "qradar.example.org", "QRADAR_CONSOLE_IP", "1.2.3.4")))
        .contains("https://qradar.example.org");
    assertThat(QradarApp.consoleUrl(Map.of("QRADAR_CONSOLE_IP", "192.0.2.10")))
        .contains("https://192.0.2.10");
    assertThat(QradarApp.consoleUrl(Map.of("QRADAR_CONSOLE_IP", "fd00::10")))
        .contains("https://[fd00::10]");
    assertThat(QradarApp.consoleUrl(Map.of("QRADAR_CONSOLE_IP", "[fd00::10]")))
        .contains("https://[fd00::10]");
    assertThat(QradarApp.consoleUrl(Map.of("QRADAR_CONSOLE_FQDN", " "))).isEmpty();
  }

  @Test
  void connectsToTheConsoleWithTheTokenQradarGaveTheApp() {
    try (TestServer server = TestServer.qradarApp(stateDir, qradarEnv())) {
      QradarApp.connectConsole(server.component.service(), qradarEnv());

      assertThat(server.component.service().connection(Server.QRADAR))
          .contains(new ConnectionSettings("https://qradar.example.org", null, true, null));
      assertThat(server.component.service().secretSet(Server.QRADAR)).isTrue();
      assertThat(server.component.service().test(Server.QRADAR)).startsWith("QRadar API");
      assertThat(server.connectors.secretsSeen).contains("console-token");
    }
  }

  @Test
  void refreshesTheConsolesTokenButLeavesAConnectionToAnotherQradar() {
    try (TestServer server = TestServer.qradarApp(stateDir, qradarEnv())) {
      SyncService service = server.component.service();
      service.saveConnection(
          Server.QRADAR,
          new ConnectionSettings("https://qradar.example.org", "16.0", true, null),
          new Secret("old-token"));

      QradarApp.connectConsole(service, qradarEnv());
      service.test(Server.QRADAR);

      assertThat(service.connection(Server.QRADAR).orElseThrow().apiVersion()).isEqualTo("16.0");
      assertThat(server.connectors.secretsSeen).last().isEqualTo("console-token");

      ConnectionSettings elsewhere =
          new ConnectionSettings("https://other-qradar.example.org", null, true, null);
      service.saveConnection(Server.QRADAR, elsewhere, new Secret("typed-token"));
      QradarApp.connectConsole(service, qradarEnv());
      service.test(Server.QRADAR);

      assertThat(service.connection(Server.QRADAR)).contains(elsewhere);
      assertThat(server.connectors.secretsSeen).last().isEqualTo("typed-token");
    }
  }

  @Test
  void leavesTheQradarConnectionUnsetUntilTheAppIsAuthorised() {
    Map<String, String> env = Map.of("QRADAR_APP_ID", "1234", "QRADAR_CONSOLE_FQDN", "q.example");
    try (TestServer server = TestServer.qradarApp(stateDir, env)) {
      QradarApp.connectConsole(server.component.service(), env);

      assertThat(server.component.service().connection(Server.QRADAR)).isEmpty();
    }
  }

  @Test
  void sealsSecretsWithTheAppsIdentityInsteadOfAKeyFile() {
    try (TestServer server = TestServer.qradarApp(stateDir, qradarEnv())) {
      QradarApp.connectConsole(server.component.service(), qradarEnv());
    }

    assertThat(stateDir.resolve(AppIdentityKey.SALT_FILE)).exists();
    assertThat(stateDir.resolve(SqliteStore.KEY_FILE)).doesNotExist();
    try (TestServer again = TestServer.qradarApp(stateDir, qradarEnv())) {
      assertThat(again.component.service().test(Server.QRADAR)).startsWith("QRadar API");
    }
  }

  @Test
  void keepsTheKeyFileOfAStoreThatStartedWithOne() throws Exception {
    try (TestServer standalone = TestServer.standalone(stateDir)) {
      standalone
          .component
          .service()
          .saveConnection(
              Server.MISP,
              new ConnectionSettings("https://misp.example.org", null, true, null),
              new Secret("the-misp-key"));
    }

    try (TestServer app = TestServer.qradarApp(stateDir, qradarEnv())) {
      assertThat(app.component.service().test(Server.MISP)).isEqualTo("MISP 2.5.1");
    }
    assertThat(QradarApp.storeKey(UUID, stateDir)).isEmpty();
    assertThat(Files.exists(stateDir.resolve(AppIdentityKey.SALT_FILE))).isFalse();
  }

  @Test
  void sendsTheSessionCookieOnlyToTheAppsProxyPath() {
    WebSettings app = WebSettings.fromEnvironment(qradarEnv(), null, null, stateDir);
    WebSettings standalone = WebSettings.fromEnvironment(Map.of(), null, null, stateDir);

    assertThat(app.cookiePath()).isEqualTo("/console/plugins/1234/app_proxy");
    assertThat(app.qradarAppUuid()).isEqualTo(UUID);
    assertThat(standalone.cookiePath()).isEqualTo("/");
    assertThat(standalone.qradarAppUuid()).isNull();
  }

  private static Map<String, String> qradarEnv() {
    return Map.of(
        "QRADAR_APP_ID",
        "1234",
        "QRADAR_APP_UUID",
        UUID,
        "QRADAR_CONSOLE_FQDN",
        "qradar.example.org",
        QradarApp.TOKEN_VARIABLE,
        "console-token");
  }
}
