package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.SyncMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
  private static final String MISP_KEY = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
  private static final String QRADAR_TOKEN = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  private static final String JOB =
      """
      {"name": "malicious-ips", "referenceSet": "MISP malicious IPs", "elementType": "IP",
       "types": ["ip-src", "ip-dst", "ip-dst|port", "domain|ip"],
       "eventIds": [], "tags": [], "excludeTags": ["tlp:red"],
       "toIdsOnly": true, "publishedOnly": true, "enforceWarninglist": false,
       "mode": "mirror", "intervalMinutes": 15}
      """;

  @TempDir Path folder;

  @BeforeEach
  void writeSecrets() throws Exception {
    Files.writeString(folder.resolve("misp.key"), MISP_KEY + "\n");
    Files.writeString(folder.resolve("qradar.token"), QRADAR_TOKEN + "\n");
  }

  @Test
  void readsTheDesignExample() throws Exception {
    SyncConfig config = parse(config(JOB));

    assertThat(config.misp().url()).isEqualTo("https://misp.example.org");
    assertThat(config.misp().verifyTls()).isTrue();
    assertThat(config.misp().caCertificatePem()).isNull();
    assertThat(config.mispKey().reveal()).isEqualTo(MISP_KEY);
    assertThat(config.qradar().url()).isEqualTo("https://qradar.example.org");
    assertThat(config.qradar().apiVersion()).isNull();
    assertThat(config.qradarToken().reveal()).isEqualTo(QRADAR_TOKEN);
    JobSpec job = config.jobs().get(0);
    assertThat(job.name()).isEqualTo("malicious-ips");
    assertThat(job.referenceSet()).isEqualTo("MISP malicious IPs");
    assertThat(job.elementType()).isEqualTo(ElementType.IP);
    assertThat(job.types()).containsExactly("ip-src", "ip-dst", "ip-dst|port", "domain|ip");
    assertThat(job.excludeTags()).containsExactly("tlp:red");
    assertThat(job.mode()).isEqualTo(SyncMode.MIRROR);
    assertThat(job.intervalMinutes()).isEqualTo(15);
  }

  @Test
  void appliesTheDocumentedDefaults() throws Exception {
    SyncConfig config =
        parse(
            """
            {"misp": {"url": "misp.example.org", "keyFile": "misp.key"},
             "qradar": {"url": "qradar.example.org/", "tokenFile": "qradar.token"},
             "jobs": [{"name": "all", "referenceSet": "MISP all"}]}
            """);

    assertThat(config.misp().url()).isEqualTo("https://misp.example.org");
    assertThat(config.qradar().url()).isEqualTo("https://qradar.example.org");
    assertThat(config.qradar().verifyTls()).isTrue();
    JobSpec job = config.jobs().get(0);
    assertThat(job.elementType()).isEqualTo(ElementType.ALNIC);
    assertThat(job.toIdsOnly()).isTrue();
    assertThat(job.publishedOnly()).isTrue();
    assertThat(job.enforceWarninglist()).isFalse();
    assertThat(job.mode()).isEqualTo(SyncMode.MIRROR);
    assertThat(job.intervalMinutes()).isEqualTo(60);
    assertThat(job.createSetIfMissing()).isTrue();
    assertThat(job.timeToLive()).isNull();
    assertThat(job.types()).isEmpty();
  }

  @Test
  void takesSecretsFromTheEnvironmentWhenNoFileIsNamed() throws Exception {
    Path file =
        write(
            """
            {"misp": {"url": "https://misp.example.org"},
             "qradar": {"url": "https://qradar.example.org", "tokenFile": null},
             "jobs": []}
            """);

    SyncConfig config =
        new ConfigParser(Map.of("MISP_KEY", MISP_KEY, "QRADAR_TOKEN", QRADAR_TOKEN)).parse(file);

    assertThat(config.mispKey().reveal()).isEqualTo(MISP_KEY);
    assertThat(config.qradarToken().reveal()).isEqualTo(QRADAR_TOKEN);
  }

  @Test
  void namesMissingSecrets() throws Exception {
    assertErrors(
        """
        {"misp": {"url": "https://misp.example.org"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "nowhere.token"},
         "jobs": []}
        """,
        "$.misp.keyFile: names no file and MISP_KEY is not set",
        "$.qradar.tokenFile: names " + folder.resolve("nowhere.token") + ", which does not exist");
  }

  @Test
  void refusesSecretsWrittenIntoTheFile() throws Exception {
    assertErrors(
        """
        {"misp": {"url": "https://misp.example.org", "key": "%s"},
         "qradar": {"url": "https://qradar.example.org", "token": "%s"},
         "jobs": []}
        """
            .formatted(MISP_KEY, QRADAR_TOKEN),
        "$.misp.key: is not accepted: secrets never go into the configuration file; put the MISP"
            + " key in a file named by keyFile, or in the MISP_KEY environment variable",
        "$.qradar.token: is not accepted: secrets never go into the configuration file",
        "$.misp.keyFile: names no file and MISP_KEY is not set",
        "$.qradar.tokenFile: names no file and QRADAR_TOKEN is not set");
  }

  @Test
  void secretsNeverAppearInErrors() throws Exception {
    Files.writeString(folder.resolve("misp.key"), MISP_KEY + " second line\n");
    Path file =
        write(
            """
            {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key", "apiKey": "%s"},
             "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
             "jobs": []}
            """
                .formatted(QRADAR_TOKEN));

    assertThatThrownBy(() -> new ConfigParser(Map.of()).parse(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("$.misp.keyFile")
        .hasMessageContaining("white space inside")
        .hasMessageContaining("$.misp.apiKey")
        .hasMessageNotContaining(MISP_KEY)
        .hasMessageNotContaining(QRADAR_TOKEN);
  }

  @Test
  void refusesEmptySecretFiles() throws Exception {
    Files.writeString(folder.resolve("misp.key"), "\n");

    assertErrors(
        config(JOB), "$.misp.keyFile: the file " + folder.resolve("misp.key") + " is empty");
  }

  @Test
  void namesUnknownFieldsAtEveryLevel() throws Exception {
    assertErrors(
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key", "verifyTLS": true},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": [{"name": "a", "referenceSet": "A", "interval": 5}],
         "schedule": "hourly"}
        """,
        "$.misp.verifyTLS: is not a known field: use caCertFile, keyFile, url, verifyTls"
            + " (names are case-sensitive)",
        "$.jobs[0].interval: is not a known field",
        "$.schedule: is not a known field: use misp, qradar, jobs and store");
  }

  @Test
  void namesWrongTypesWithTheirPath() throws Exception {
    assertErrors(
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key", "verifyTls": "yes"},
         "qradar": {"url": 443, "tokenFile": "qradar.token"},
         "jobs": [{"name": "a", "referenceSet": "A", "intervalMinutes": "15",
                   "types": "ip-src", "eventIds": [1, "2", 3.5], "tags": [true],
                   "toIdsOnly": 1}]}
        """,
        "$.misp.verifyTls: is a string: true or false is needed",
        "$.qradar.url: is a number: a string is needed",
        "$.jobs[0].intervalMinutes: is a string: a whole number is needed",
        "$.jobs[0].types: is a string: a list of strings is needed",
        "$.jobs[0].eventIds[2]: is 3.5: an event id is a whole number",
        "$.jobs[0].tags[0]: is a boolean: a string is needed",
        "$.jobs[0].toIdsOnly: is a number: true or false is needed");
  }

  @Test
  void namesNullWhereAValueIsNeeded() throws Exception {
    assertErrors(
        """
        {"misp": {"url": null, "keyFile": "misp.key"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": [{"name": "a", "referenceSet": "A", "mode": null}]}
        """,
        "$.misp.url: is null: a string is needed",
        "$.jobs[0].mode: is null: a string is needed");
  }

  @Test
  void namesMissingParts() throws Exception {
    assertErrors(
        """
        {"misp": {"keyFile": "misp.key"}, "jobs": [{"referenceSet": "A"}]}
        """,
        "$.misp.url: is missing",
        "$.qradar: is missing",
        "$.jobs[0].name: is missing");
  }

  @Test
  void refusesBadUrls() throws Exception {
    assertErrors(
        """
        {"misp": {"url": "ftp://misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "https://admin:secret@qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": []}
        """,
        "$.misp.url: \"ftp://misp.example.org\" is not an http or https URL",
        "$.qradar.url: contains a user name or password: remove it");
  }

  @Test
  void badUrlErrorsDoNotRepeatThePassword() throws Exception {
    Path file =
        write(
            """
            {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key"},
             "qradar": {"url": "https://admin:hunter2@qradar.example.org",
                        "tokenFile": "qradar.token"},
             "jobs": []}
            """);

    assertThatThrownBy(() -> new ConfigParser(Map.of()).parse(file))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void checksTheCaCertificateFile() throws Exception {
    Files.writeString(folder.resolve("not-a-cert.pem"), "hello");

    assertErrors(
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key",
                  "caCertFile": "not-a-cert.pem"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token",
                    "caCertFile": "ca.pem", "verifyTls": false},
         "jobs": []}
        """,
        "$.misp.caCertFile: names " + folder.resolve("not-a-cert.pem") + ", which holds no PEM",
        "$.qradar.caCertFile: is set while verifyTls is false");
  }

  @Test
  void readsTheCaCertificateRelativeToTheFile() throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    Files.writeString(folder.resolve("ca.pem"), pem);

    SyncConfig config =
        parse(
            """
            {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key",
                      "caCertFile": "ca.pem"},
             "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token",
                        "apiVersion": "16.0"},
             "jobs": []}
            """);

    assertThat(config.misp().caCertificatePem()).isEqualTo(pem);
    assertThat(config.qradar().apiVersion()).isEqualTo("16.0");
  }

  @Test
  void refusesABadApiVersion() throws Exception {
    assertErrors(
        """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token",
                    "apiVersion": "latest"},
         "jobs": []}
        """,
        "$.qradar.apiVersion: \"latest\" is not a QRadar API version");
  }

  @Test
  void checksJobFieldsWithTheCoreValidator() throws Exception {
    assertErrors(
        config(
            """
            {"name": "bad name!", "referenceSet": " ", "elementType": "IPV4",
             "types": ["ip-scr"], "eventIds": ["abc"], "tags": ["!tlp:red"],
             "mode": "sync", "intervalMinutes": 0, "timeToLive": "soon"}
            """),
        "$.jobs[0].elementType: \"IPV4\" is not an element type: use IP, PORT, NUM, ALNIC, ALN",
        "$.jobs[0].mode: \"sync\" is not a mode: use mirror or append",
        "$.jobs[0].name: \"bad name!\" is not a valid job name",
        "$.jobs[0].referenceSet: is empty",
        "$.jobs[0].types: unknown MISP type \"ip-scr\": did you mean \"ip-src\"?",
        "$.jobs[0].eventIds: \"abc\" is not an event id",
        "$.jobs[0].tags: \"!tlp:red\" starts with '!'",
        "$.jobs[0].intervalMinutes: is 0: use 1 to 10080 minutes",
        "$.jobs[0].timeToLive: \"soon\" is not a QRadar interval");
  }

  @Test
  void refusesTypesThatCannotYieldTheElementType() throws Exception {
    assertErrors(
        config(
            """
            {"name": "ports", "referenceSet": "Ports", "elementType": "PORT", "types": ["md5"]}
            """),
        "$.jobs[0].types: MISP type \"md5\" never yields a value for a reference set of element"
            + " type PORT");
  }

  @Test
  void refusesTwoJobsOfOneName() throws Exception {
    assertErrors(
        config(
            """
            {"name": "ips", "referenceSet": "A"}, {"name": "IPS", "referenceSet": "B"}
            """),
        "$.jobs[1].name: \"IPS\" is the name of $.jobs[0] too: job names must differ");
  }

  @Test
  void refusesRepeatedFields() throws Exception {
    assertErrors(
        config(
            """
            {"name": "a", "referenceSet": "A", "intervalMinutes": 5, "intervalMinutes": 10}
            """),
        "$.jobs[0].intervalMinutes: appears twice: keep one");
  }

  @Test
  void refusesFractionalAndHugeNumbers() throws Exception {
    assertErrors(
        config(
            """
            {"name": "a", "referenceSet": "A", "intervalMinutes": 1.5},
            {"name": "b", "referenceSet": "B", "intervalMinutes": 99999999999}
            """),
        "$.jobs[0].intervalMinutes: is 1.5: a whole number is needed",
        "$.jobs[1].intervalMinutes: is 99999999999: a whole number is needed");
  }

  @Test
  void refusesWhatIsNotJson() throws Exception {
    assertErrors("{\"misp\": {\"url\": \"x\",}", "$: is not valid JSON");
    assertErrors("[1, 2]", "$: is a list: an object with misp, qradar and jobs is needed");
    assertErrors(config(JOB) + " {}", "$: more JSON follows the end of the top-level object");
    assertErrors(
        "{\"misp\": \"https://misp\", \"qradar\": [], \"jobs\": {}}",
        "$.misp: is a string: an object with url, keyFile, caCertFile and verifyTls is needed",
        "$.qradar: is a list: an object with url, tokenFile",
        "$.jobs: is an object: a list of jobs is needed");
  }

  @Test
  void namesAMissingFile() {
    assertThatThrownBy(() -> new ConfigParser(Map.of()).parse(folder.resolve("nope.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nope.json: $: does not exist: check --config");
  }

  @Test
  void namesEveryProblemInOnePass() throws Exception {
    Path file =
        write(
            """
            {"misp": {"url": "ftp://x", "keyFile": "misp.key"},
             "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token"},
             "jobs": [{"name": "a", "referenceSet": "A", "intervalMinutes": -1}]}
            """);

    assertThatThrownBy(() -> new ConfigParser(Map.of()).parse(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.errors())
                  .extracting(ConfigError::path)
                  .containsExactly("$.misp.url", "$.jobs[0].intervalMinutes");
              assertThat(e.getMessage()).startsWith(file + " has 2 problems:");
            });
  }

  private String config(String jobs) {
    return """
        {"misp": {"url": "https://misp.example.org", "keyFile": "misp.key",
                  "caCertFile": null, "verifyTls": true},
         "qradar": {"url": "https://qradar.example.org", "tokenFile": "qradar.token",
                    "apiVersion": null, "caCertFile": null, "verifyTls": true},
         "jobs": [%s]}
        """
        .formatted(jobs);
  }

  private SyncConfig parse(String json) throws Exception {
    return new ConfigParser(Map.of()).parse(write(json));
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
