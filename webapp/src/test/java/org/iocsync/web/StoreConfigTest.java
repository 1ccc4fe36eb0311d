package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file's {@code store} section and the {@code --store-url} option. */
class StoreConfigTest {
  private static final String URL = "jdbc:postgresql://db.example.org:5432/iocsync";
  private static final String KEY_TEXT = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @TempDir Path folder;

  @BeforeEach
  void writeFiles() throws Exception {
    Files.writeString(folder.resolve("misp.key"), "k".repeat(40));
    Files.writeString(folder.resolve("qradar.token"), "t".repeat(36));
    Files.writeString(folder.resolve("db.password"), "pw\n");
    Files.write(folder.resolve("secret.key"), new byte[32]);
  }

  @Test
  void withoutAStoreSectionTheStateStaysInSqlite() throws Exception {
    SyncConfig config = parse(config(null), Map.of());

    assertThat(config.store()).isNull();
    assertThat(StoreSettings.resolve(config.store(), null, Map.of())).isEmpty();
  }

  @Test
  void readsTheStoreSectionWithFilesRelativeToTheConfiguration() throws Exception {
    SyncConfig config =
        parse(
            config(
                """
                {"url": "%s", "user": "iocsync", "passwordFile": "db.password",
                 "keyFile": "secret.key", "instance": "sync-a"}
                """
                    .formatted(URL)),
            Map.of());

    StoreSettings store = config.store();
    assertThat(store).isNotNull();
    assertThat(store.url()).isEqualTo(URL);
    assertThat(store.user()).isEqualTo("iocsync");
    assertThat(store.passwordFile()).isEqualTo(folder.resolve("db.password"));
    assertThat(store.keyFile()).isEqualTo(folder.resolve("secret.key"));
    assertThat(store.keyBase64()).isNull();
    assertThat(store.instance()).isEqualTo("sync-a");
  }

  @Test
  void takesTheKeyFromTheEnvironmentWhenNoKeyFileIsNamed() throws Exception {
    SyncConfig config =
        parse(
            config("{\"url\": \"%s\"}".formatted(URL)),
            Map.of(StoreSettings.KEY_VARIABLE, KEY_TEXT));

    StoreSettings store = config.store();
    assertThat(store).isNotNull();
    assertThat(store.keyFile()).isNull();
    assertThat(store.keyBase64()).isNotNull();
    assertThat(store.keyBase64().reveal()).isEqualTo(KEY_TEXT);
    assertThat(store.user()).isNull();
    assertThat(store.passwordFile()).isNull();
    assertThat(store.instance()).isNull();
  }

  @Test
  void namesTheInstanceFromTheEnvironmentUnlessTheFileDoes() throws Exception {
    Map<String, String> env = Map.of(StoreSettings.INSTANCE_VARIABLE, "from-env");

    StoreSettings unnamed =
        parse(config("{\"url\": \"%s\", \"keyFile\": \"secret.key\"}".formatted(URL)), env).store();
    StoreSettings named =
        parse(
                config(
                    "{\"url\": \"%s\", \"keyFile\": \"secret.key\", \"instance\": \"a\"}"
                        .formatted(URL)),
                env)
            .store();

    assertThat(unnamed).isNotNull();
    assertThat(unnamed.instance()).isEqualTo("from-env");
    assertThat(named).isNotNull();
    assertThat(named.instance()).isEqualTo("a");
  }

  @Test
  void refusesAPasswordInTheFile() throws Exception {
    assertErrors(
        config(
            "{\"url\": \"%s\", \"keyFile\": \"secret.key\", \"password\": \"hunter2\"}"
                .formatted(URL)),
        "$.store.password: is not accepted: the database password never goes into the"
            + " configuration file; put it in a file named by passwordFile");
  }

  @Test
  void namesEveryBadFieldOfTheStoreSection() throws Exception {
    assertErrors(
        config(
            """
            {"url": "https://db.example.org", "user": 7, "passwordFile": "missing.password",
             "keyFile": "missing.key", "instance": " ", "pool": 3, "key": "abc"}
            """),
        "$.store.url: is not a PostgreSQL JDBC URL",
        "$.store.user: ",
        "$.store.passwordFile: names " + folder.resolve("missing.password") + ", which does not",
        "$.store.keyFile: names " + folder.resolve("missing.key") + ", which does not",
        "$.store.instance: must be 1 to 200 characters",
        "$.store.pool: is not a known field: use instance, keyFile, passwordFile, url, user",
        "$.store.key: is not accepted: the secret key never goes into the configuration file");
  }

  @Test
  void saysWhatIsMissingFromTheStoreSection() throws Exception {
    assertErrors(
        config("{}"),
        "$.store.url: is missing: give the database",
        "$.store.keyFile: names no file and IOC_SYNC_STORE_KEY is not set");
  }

  @Test
  void refusesAStoreSectionThatIsNotAnObjectOrHasEmptyNames() throws Exception {
    assertErrors(config("\"" + URL + "\""), "$.store: ");
    assertErrors(
        config("{\"url\": null, \"user\": \"\", \"passwordFile\": \"\", \"keyFile\": \"\"}"),
        "$.store.url: is null",
        "$.store.user: is empty",
        "$.store.passwordFile: is empty",
        "$.store.keyFile: is empty");
  }

  @Test
  void storeUrlReplacesTheConfiguredUrlAndKeepsTheRest() throws Exception {
    SyncConfig config =
        parse(
            config(
                "{\"url\": \"%s\", \"user\": \"iocsync\", \"keyFile\": \"secret.key\"}"
                    .formatted(URL)),
            Map.of());

    StoreSettings store =
        StoreSettings.resolve(config.store(), "jdbc:postgresql://other:5432/x", Map.of())
            .orElseThrow();

    assertThat(store.url()).isEqualTo("jdbc:postgresql://other:5432/x");
    assertThat(store.user()).isEqualTo("iocsync");
    assertThat(store.keyFile()).isEqualTo(folder.resolve("secret.key"));
  }

  @Test
  void storeUrlWithoutAStoreSectionReadsTheEnvironment() {
    StoreSettings store =
        StoreSettings.resolve(
                null,
                URL,
                Map.of(
                    StoreSettings.USER_VARIABLE, "iocsync",
                    StoreSettings.PASSWORD_FILE_VARIABLE, "/etc/ioc-sync/db.password",
                    StoreSettings.KEY_VARIABLE, KEY_TEXT,
                    StoreSettings.INSTANCE_VARIABLE, "sync-b"))
            .orElseThrow();

    assertThat(store.user()).isEqualTo("iocsync");
    assertThat(store.passwordFile()).isEqualTo(Path.of("/etc/ioc-sync/db.password"));
    assertThat(store.keyBase64()).isNotNull();
    assertThat(store.instance()).isEqualTo("sync-b");
  }

  @Test
  void storeUrlWithoutAKeySaysWhereToPutIt() {
    assertThatThrownBy(() -> StoreSettings.resolve(null, URL, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--store-url: IOC_SYNC_STORE_KEY is not set");
  }

  @Test
  void storeUrlThatIsNotPostgresIsRefusedWithoutRepeatingIt() {
    String url = "jdbc:mysql://db/x?password=hunter2";

    assertThatThrownBy(() -> StoreSettings.resolve(null, url, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--store-url: is not a PostgreSQL JDBC URL")
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void syncRefusesABadStoreUrlAsAUsageError() throws Exception {
    Path file = folder.resolve("ioc-sync.json");
    Files.writeString(file, config(null));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            (config, stateDir) -> {
              throw new AssertionError("no job may run");
            });

    int code =
        Main.run(
            new String[] {"sync", "--config", file.toString(), "--store-url", "postgres://db"},
            console);

    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--store-url: is not a PostgreSQL JDBC URL");
  }

  @Test
  void serveNeverAcceptsAPasswordOption() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            (config, stateDir) -> {
              throw new AssertionError("no job may run");
            });

    int code =
        Main.run(
            new String[] {"serve", "--store-url", URL, "--store-password", "hunter2"}, console);

    assertThat(code).isEqualTo(Main.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Unknown option(s): --store-password")
        .doesNotContain("hunter2");
  }

  @Test
  void serveSaysWhenTheDatabaseCannotBeReached() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(StoreSettings.KEY_VARIABLE, KEY_TEXT),
            (config, stateDir) -> {
              throw new AssertionError("no job may run");
            });

    int code =
        Main.run(
            new String[] {
              "serve",
              "--state-dir",
              folder.resolve("state").toString(),
              "--store-url",
              "jdbc:postgresql://127.0.0.1:1/iocsync?password=hunter2"
            },
            console);

    assertThat(code).isEqualTo(Main.FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("Cannot open the store: ")
        .doesNotContain("hunter2");
  }

  private String config(String store) {
    return """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": []%s}
        """
        .formatted(store == null ? "" : ", \"store\": " + store);
  }

  private SyncConfig parse(String json, Map<String, String> env) throws Exception {
    return new ConfigParser(env).parse(write(json));
  }

  private Path write(String json) throws Exception {
    Path file = folder.resolve("ioc-sync.json");
    Files.writeString(file, json);
    return file;
  }

  private void assertErrors(String json, String... expected) throws Exception {
    Path file = write(json);
    assertThatThrownBy(() -> new ConfigParser(Map.of()).parse(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
              assertThat(errors).hasSize(expected.length);
              for (String prefix : expected) {
                assertThat(errors).anySatisfy(error -> assertThat(error).startsWith(prefix));
              }
            });
  }
}
