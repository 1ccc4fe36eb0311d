package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTest {
  private static final String KEY = "k0k1k2k3k4k5k6k7k8k9k0k1k2k3k4k5k6k7k8k9";
  private static final String TOKEN = "t0t1t2t3-t4t5-t6t7-t8t9-t0t1t2t3t4t5";
  private static final String JOB =
      """
      {"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
       "types": ["ip-src", "ip-dst"], "intervalMinutes": 15}
      """;

  @TempDir Path stateDir;

  private TestServer server;
  private WebClient client;
  private Map<String, String> csrf;

  @BeforeEach
  void start() {
    server = TestServer.standalone(stateDir);
    client = server.loggedIn();
    csrf = Map.of("X-CSRF-Token", client.get("/").csrf());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void createsListsReadsReplacesAndDeletesJobs() {
    WebClient.Answer created = client.json("POST", "/api/jobs", JOB, csrf);
    assertThat(created.code()).isEqualTo(201);
    assertThat(created.body())
        .contains("\"name\":\"ips\"")
        .contains("\"mode\":\"mirror\"")
        .contains("\"toIdsOnly\":true")
        .contains("\"timeToLive\":null")
        .contains("\"paused\":false");

    assertThat(client.get("/api/jobs").body()).startsWith("{\"jobs\":[{\"name\":\"ips\"");
    assertThat(client.get("/api/jobs/ips").body()).contains("\"intervalMinutes\":15");

    WebClient.Answer replaced = client.json("PUT", "/api/jobs/ips", JOB.replace("15", "30"), csrf);
    assertThat(replaced.code()).isEqualTo(200);
    assertThat(client.get("/api/jobs/ips").body()).contains("\"intervalMinutes\":30");

    assertThat(client.json("DELETE", "/api/jobs/ips", "", csrf).code()).isEqualTo(204);
    assertThat(client.get("/api/jobs/ips").code()).isEqualTo(404);
    assertThat(client.get("/api/jobs").body()).isEqualTo("{\"jobs\":[]}");
  }

  @Test
  void refusesAJobWithEveryBadFieldNamedAndSavesNothing() {
    WebClient.Answer answer =
        client.json(
            "POST",
            "/api/jobs",
            """
            {"name": "bad name", "referenceSet": "", "elementType": "IPV4",
             "intervalMinutes": "soon", "colour": "red"}
            """,
            csrf);

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body())
        .contains("\"error\":\"Invalid job: fix the fields named\"")
        .contains("\"name\":\"\\\"bad name\\\" is not a valid job name")
        .contains("\"referenceSet\":\"is empty")
        .contains("\"elementType\":\"\\\"IPV4\\\" is not an element type")
        .contains("\"intervalMinutes\":\"is a string: a whole number is needed\"")
        .contains("\"colour\":\"is not a known field");
    assertThat(client.get("/api/jobs").body()).isEqualTo("{\"jobs\":[]}");
  }

  @Test
  void checksTypesAgainstTheServersDescribeTypes() {
    saveConnections();

    WebClient.Answer answer =
        client.json("POST", "/api/jobs", JOB.replace("\"ip-dst\"", "\"sha256\""), csrf);

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body()).contains("\"types\":\"unknown MISP type \\\"sha256\\\"");
  }

  @Test
  void refusesADuplicateJobAndARenamingPut() {
    client.json("POST", "/api/jobs", JOB, csrf);

    assertThat(client.json("POST", "/api/jobs", JOB, csrf).code()).isEqualTo(409);
    WebClient.Answer renamed =
        client.json("PUT", "/api/jobs/ips", JOB.replace("\"ips\"", "\"other\""), csrf);
    assertThat(renamed.code()).isEqualTo(400);
    assertThat(renamed.body()).contains("\"name\":\"must stay \\\"ips\\\" in a PUT\"");
    assertThat(client.json("PUT", "/api/jobs/nope", JOB, csrf).code()).isEqualTo(404);
  }

  @Test
  void refusesMalformedJson() {
    WebClient.Answer answer = client.json("POST", "/api/jobs", "{\"name\": ", csrf);

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body()).contains("is not valid JSON");
  }

  @Test
  void everyStateChangingCallNeedsTheCsrfToken() {
    client.json("POST", "/api/jobs", JOB, csrf);
    Map<String, String> forged = Map.of("X-CSRF-Token", "forged");

    for (String[] call :
        new String[][] {
          {"POST", "/api/jobs"},
          {"PUT", "/api/jobs/ips"},
          {"DELETE", "/api/jobs/ips"},
          {"POST", "/api/jobs/ips/run"},
          {"POST", "/api/jobs/ips/dry-run"},
          {"POST", "/api/jobs/ips/pause"},
          {"POST", "/api/jobs/ips/resume"},
          {"PUT", "/api/connections/misp"},
          {"POST", "/api/connections/qradar/test"}
        }) {
      assertThat(client.json(call[0], call[1], JOB, Map.of()).code()).as(call[1]).isEqualTo(403);
      assertThat(client.json(call[0], call[1], JOB, forged).code()).as(call[1]).isEqualTo(403);
    }
    assertThat(client.get("/api/jobs/ips").body()).contains("\"paused\":false");
  }

  @Test
  void everyCallNeedsASession() {
    WebClient stranger = server.client();

    for (String path :
        new String[] {"/api/jobs", "/api/jobs/ips", "/api/status", "/api/runs", "/api/logs"}) {
      assertThat(stranger.get(path).code()).as(path).isEqualTo(401);
    }
    assertThat(stranger.json("POST", "/api/jobs", JOB, csrf).code()).isEqualTo(401);
  }

  @Test
  void storesSecretsButNeverShowsThemBack() {
    WebClient.Answer saved =
        client.json(
            "PUT",
            "/api/connections/misp",
            "{\"url\": \"misp.example.org\", \"key\": \"" + KEY + "\"}",
            csrf);

    assertThat(saved.code()).isEqualTo(200);
    assertThat(saved.body())
        .isEqualTo(
            "{\"server\":\"misp\",\"url\":\"https://misp.example.org\",\"apiVersion\":null,"
                + "\"verifyTls\":true,\"caCertificate\":\"not set\",\"secret\":\"set\"}");
    WebClient.Answer urlOnly =
        client.json(
            "PUT", "/api/connections/misp", "{\"url\": \"https://misp2.example.org\"}", csrf);
    assertThat(urlOnly.body()).contains("\"secret\":\"set\"");
    for (String path : new String[] {"/api/status", "/api/jobs", "/api/logs", "/api/runs", "/"}) {
      assertThat(client.get(path).body()).as(path).doesNotContain(KEY);
    }
  }

  @Test
  void refusesBadConnectionsNamingTheField() {
    WebClient.Answer answer =
        client.json(
            "PUT",
            "/api/connections/qradar",
            "{\"url\": \"ftp://qradar\", \"apiVersion\": \"new\", \"caCertificatePem\": \"x\"}",
            csrf);

    assertThat(answer.code()).isEqualTo(400);
    assertThat(answer.body())
        .contains("\"url\":\"\\\"ftp://qradar\\\" is not an http or https URL")
        .contains("\"apiVersion\":\"\\\"new\\\" is not a QRadar API version")
        .contains("\"caCertificatePem\":\"is not a PEM certificate")
        .contains("\"token\":\"is missing");
    assertThat(client.get("/api/status").body()).contains("\"server\":\"qradar\",\"url\":null");
    assertThat(client.json("PUT", "/api/connections/splunk", "{}", csrf).code()).isEqualTo(404);
  }

  @Test
  void testsBothConnectionsShowingTheVersionOrTheError() {
    saveConnections();

    WebClient.Answer misp = client.json("POST", "/api/connections/misp/test", "", csrf);
    client.json(
        "PUT",
        "/api/connections/qradar",
        "{\"url\": \"https://qradar.example.org\"," + " \"token\": \"bad-token\"}",
        csrf);
    WebClient.Answer qradar = client.json("POST", "/api/connections/qradar/test", "", csrf);

    assertThat(misp.body())
        .isEqualTo("{\"server\":\"misp\",\"ok\":true,\"message\":\"MISP 2.5.1\"}");
    assertThat(qradar.body())
        .isEqualTo(
            "{\"server\":\"qradar\",\"ok\":false,"
                + "\"message\":\"QRadar answered 401: the token is not valid; renew it\"}");
    assertThat(server.connectors.secretsSeen).contains(KEY, "bad-token");
  }

  @Test
  void testingAnUnsavedConnectionSaysWhatIsMissing() {
    WebClient.Answer answer = client.json("POST", "/api/connections/misp/test", "", csrf);

    assertThat(answer.body()).contains("\"ok\":false").contains("Save the MISP connection first");
  }

  @Test
  void runsAJobAndReportsItsStatusRunsValuesAndLogs() {
    saveConnections();
    server.connectors.misp.add("u1", "ip-src", "203.0.113.7", true);
    server.connectors.misp.add("u2", "ip-dst", "<script>alert(1)</script>", true);
    client.json("POST", "/api/jobs", JOB, csrf);

    WebClient.Answer started = client.json("POST", "/api/jobs/ips/run", "", csrf);

    assertThat(started.code()).isEqualTo(202);
    String status = awaitStatus("\"outcome\":\"ok\"");
    assertThat(status)
        .contains("\"name\":\"ips\"")
        .contains("\"added\":1")
        .contains("\"invalid-value\":1")
        .contains("\"recentValues\":[{\"value\":\"203.0.113.7\",\"change\":\"added\"");
    assertThat(server.connectors.qradar.sorted("MISP IPs")).containsExactly("203.0.113.7");
    assertThat(client.get("/api/runs").body())
        .contains("\"job\":\"ips\"")
        .contains("\"kind\":\"full\"");
    assertThat(client.get("/api/runs?job=ips").body()).contains("\"outcome\":\"ok\"");
    assertThat(client.get("/api/logs").body()).contains("Job ips saved");
  }

  @Test
  void dryRunShowsWhatWouldChangeAndWhyAttributesWereSkipped() {
    saveConnections();
    server.connectors.misp.add("u1", "ip-src", "203.0.113.7", true);
    server.connectors.misp.add("u2", "ip-dst", "107.183.86", true);
    server.connectors.misp.add("u3", "ip-dst", "198.51.100.1", false);
    client.json("POST", "/api/jobs", JOB, csrf);

    WebClient.Answer answer = client.json("POST", "/api/jobs/ips/dry-run", "", csrf);

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.body())
        .contains("\"valuesToAdd\":[\"203.0.113.7\"]")
        .contains("\"valuesToRemove\":[]")
        .contains(
            "\"invalid-value\":[{\"uuid\":\"u2\",\"eventId\":\"1\",\"type\":\"ip-dst\","
                + "\"value\":\"107.183.86\"}]")
        .contains("\"not-ids\":[{\"uuid\":\"u3\"");
    assertThat(server.connectors.qradar.sorted("MISP IPs")).isEmpty();
  }

  @Test
  void dryRunWithoutConnectionsSaysWhatIsMissing() {
    client.json("POST", "/api/jobs", JOB, csrf);

    WebClient.Answer answer = client.json("POST", "/api/jobs/ips/dry-run", "", csrf);

    assertThat(answer.code()).isEqualTo(409);
    assertThat(answer.body()).contains("Save the MISP connection first");
  }

  @Test
  void pausesAndResumes() {
    client.json("POST", "/api/jobs", JOB, csrf);

    assertThat(client.json("POST", "/api/jobs/ips/pause", "", csrf).body())
        .contains("\"paused\":true");
    assertThat(client.get("/api/status").body()).contains("\"paused\":true");
    assertThat(client.json("POST", "/api/jobs/ips/resume", "", csrf).body())
        .contains("\"paused\":false");
    assertThat(client.json("POST", "/api/jobs/none/pause", "", csrf).code()).isEqualTo(404);
  }

  @Test
  void aMissingJobIsNotFoundEverywhere() {
    for (String[] call :
        new String[][] {
          {"GET", "/api/jobs/none"},
          {"DELETE", "/api/jobs/none"},
          {"POST", "/api/jobs/none/run"},
          {"POST", "/api/jobs/none/dry-run"},
          {"POST", "/api/jobs/none/resume"}
        }) {
      WebClient.Answer answer = client.json(call[0], call[1], "", csrf);
      assertThat(answer.code()).as(call[1]).isEqualTo(404);
      assertThat(answer.body()).contains("No job named \\\"none\\\"");
    }
  }

  @Test
  void serveCopiesAConfigurationFileIntoTheStore() throws Exception {
    Files.writeString(stateDir.resolve("misp.key"), KEY);
    Files.writeString(stateDir.resolve("qradar.token"), TOKEN);
    Path file = stateDir.resolve("ioc-sync.json");
    Files.writeString(
        file,
        """
        {"misp": {"url": "misp.example.org", "keyFile": "misp.key"},
         "qradar": {"url": "qradar.example.org", "tokenFile": "qradar.token"},
         "jobs": [%s]}
        """
            .formatted(JOB));

    ServeCommand.importConfig(server.component.service(), new ConfigParser(Map.of()).parse(file));

    String status = client.get("/api/status").body();
    assertThat(status)
        .contains("{\"server\":\"misp\",\"url\":\"https://misp.example.org\"")
        .contains("\"secret\":\"set\"")
        .contains("\"name\":\"ips\"")
        .doesNotContain(KEY)
        .doesNotContain(TOKEN);
    assertThat(server.component.service().ready()).isTrue();
  }

  private void saveConnections() {
    assertThat(
            client
                .json(
                    "PUT",
                    "/api/connections/misp",
                    "{\"url\": \"https://misp.example.org\", \"key\": \"" + KEY + "\"}",
                    csrf)
                .code())
        .isEqualTo(200);
    assertThat(
            client
                .json(
                    "PUT",
                    "/api/connections/qradar",
                    "{\"url\": \"https://qradar.example.org\", \"token\": \"" + TOKEN + "\"}",
                    csrf)
                .code())
        .isEqualTo(200);
  }

  private String awaitStatus(String expected) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    String status = "";
    while (Instant.now().isBefore(deadline)) {
      status = client.get("/api/status").body();
      if (status.contains(expected) && !status.contains("\"running\":true")) {
        return status;
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    throw new AssertionError("Status never showed " + expected + ": " + status);
  }
}
