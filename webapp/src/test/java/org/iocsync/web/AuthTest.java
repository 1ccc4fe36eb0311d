package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {
  private static final String COOKIE = "ioc_sync_session";

  @TempDir Path stateDir;

  @Test
  void firstVisitLeadsToThePasswordSetup() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.client();

      WebClient.Answer home = client.get("/");
      WebClient.Answer login = client.get("/login");

      assertThat(home.code()).isEqualTo(303);
      assertThat(home.header("Location")).isEqualTo("./login");
      assertThat(login.code()).isEqualTo(303);
      assertThat(login.header("Location")).isEqualTo("./setup");
    }
  }

  @Test
  void setupNeedsTheCodeFromTheConsole() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.client();
      String csrf = client.get("/setup").csrf();

      WebClient.Answer answer =
          client.postForm(
              "/setup",
              Map.of(
                  "csrf",
                  csrf,
                  "code",
                  "AAAA-BBBB-CCCC",
                  "password",
                  TestServer.PASSWORD,
                  "confirm",
                  TestServer.PASSWORD));

      assertThat(answer.code()).isEqualTo(400);
      assertThat(answer.body()).contains("id=\"code-error\"").contains("Wrong setup code");
      assertThat(server.component.adminPassword().isSet()).isFalse();
    }
  }

  @Test
  void setupRefusesShortOrMismatchedPasswords() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.client();
      String csrf = client.get("/setup").csrf();
      String code = server.component.setupCode().code();

      WebClient.Answer tooShort =
          client.postForm(
              "/setup",
              Map.of("csrf", csrf, "code", code, "password", "short", "confirm", "short"));
      WebClient.Answer mismatch =
          client.postForm(
              "/setup",
              Map.of(
                  "csrf",
                  csrf,
                  "code",
                  code,
                  "password",
                  TestServer.PASSWORD,
                  "confirm",
                  TestServer.PASSWORD + "!"));

      assertThat(tooShort.code()).isEqualTo(400);
      assertThat(tooShort.body()).contains("id=\"password-error\"").contains("at least 12");
      assertThat(mismatch.code()).isEqualTo(400);
      assertThat(mismatch.body()).contains("The two passwords differ");
      assertThat(server.component.adminPassword().isSet()).isFalse();
    }
  }

  @Test
  void setupStoresOnlyASlowHashReadableByTheOwner() throws Exception {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.client();
      String csrf = client.get("/setup").csrf();

      WebClient.Answer answer =
          client.postForm(
              "/setup",
              Map.of(
                  "csrf",
                  csrf,
                  "code",
                  server.component.setupCode().code().toLowerCase(java.util.Locale.ROOT),
                  "password",
                  TestServer.PASSWORD,
                  "confirm",
                  TestServer.PASSWORD));

      assertThat(answer.code()).isEqualTo(303);
      assertThat(answer.header("Location")).isEqualTo("./");
      assertThat(client.get("/").code()).isEqualTo(200);
      Path file = stateDir.resolve(AdminPassword.FILE_NAME);
      String stored = Files.readString(file);
      assertThat(stored).startsWith("pbkdf2-sha256$600000$").doesNotContain(TestServer.PASSWORD);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void setupIsClosedOnceAPasswordExists() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
      WebClient client = server.client();
      String csrf = client.get("/login").csrf();

      WebClient.Answer form = client.get("/setup");
      WebClient.Answer post =
          client.postForm(
              "/setup",
              Map.of(
                  "csrf",
                  csrf,
                  "code",
                  server.component.setupCode().code(),
                  "password",
                  "another long password",
                  "confirm",
                  "another long password"));

      assertThat(form.code()).isEqualTo(303);
      assertThat(form.header("Location")).isEqualTo("./login");
      assertThat(post.code()).isEqualTo(303);
      assertThat(post.header("Location")).isEqualTo("./login");
      assertThat(server.component.adminPassword().matches(TestServer.PASSWORD.toCharArray()))
          .isTrue();
    }
  }

  @Test
  void passwordSurvivesARestart() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
    }

    try (TestServer restarted = TestServer.standalone(stateDir)) {
      assertThat(restarted.component.adminPassword().isSet()).isTrue();
      assertThat(restarted.loggedIn().get("/").code()).isEqualTo(200);
    }
  }

  @Test
  void wrongPasswordIsRefused() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
      WebClient client = server.client();
      String csrf = client.get("/login").csrf();

      WebClient.Answer answer =
          client.postForm("/login", Map.of("csrf", csrf, "password", "not the password"));

      assertThat(answer.code()).isEqualTo(401);
      assertThat(answer.body()).contains("Wrong password");
      assertThat(client.get("/").code()).isEqualTo(303);
    }
  }

  @Test
  void loginGivesANewSessionId() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
      WebClient client = server.client();
      String csrf = client.get("/login").csrf();
      String before = client.cookies().get(COOKIE);

      client.postForm("/login", Map.of("csrf", csrf, "password", TestServer.PASSWORD));

      String after = client.cookies().get(COOKIE);
      assertThat(before).isNotBlank();
      assertThat(after).isNotBlank().isNotEqualTo(before);
      WebClient attacker = server.client();
      attacker.setCookie(COOKIE, before);
      assertThat(attacker.get("/").code()).isEqualTo(303);
      assertThat(client.get("/").code()).isEqualTo(200);
    }
  }

  @Test
  void sessionCookieIsHttpOnlyAndStrict() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient.Answer plain = server.client().get("/setup");
      WebClient.Answer behindTls =
          server
              .client()
              .send(
                  new okhttp3.Request.Builder().url(url(server, "/setup")),
                  Map.of("X-Forwarded-Proto", "https"));

      assertThat(plain.cookiesSet())
          .singleElement()
          .asString()
          .startsWith(COOKIE + "=")
          .contains("; HttpOnly")
          .contains("; SameSite=Strict")
          .contains("; Path=/")
          .doesNotContain("Secure");
      assertThat(behindTls.cookiesSet()).singleElement().asString().contains("; Secure");
    }
  }

  @Test
  void loginIsRateLimitedPerAddress() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
      WebClient client = server.client();
      String csrf = client.get("/login").csrf();
      for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
        assertThat(client.postForm("/login", Map.of("csrf", csrf, "password", "guess" + i)).code())
            .isEqualTo(401);
      }

      WebClient.Answer blocked =
          client.postForm("/login", Map.of("csrf", csrf, "password", TestServer.PASSWORD));

      assertThat(blocked.code()).isEqualTo(429);
      assertThat(blocked.body()).contains("Too many failed attempts: try again in 15 minute(s)");
      assertThat(blocked.header("Retry-After")).isEqualTo("900");
      assertThat(client.get("/").code()).isEqualTo(303);

      server.clock.advance(LoginThrottle.WINDOW.plusSeconds(1));
      csrf = client.get("/login").csrf();
      WebClient.Answer later =
          client.postForm("/login", Map.of("csrf", csrf, "password", TestServer.PASSWORD));
      assertThat(later.code()).isEqualTo(303);
    }
  }

  @Test
  void loginFormNeedsItsCsrfToken() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
      WebClient client = server.client();
      client.get("/login");

      WebClient.Answer missing = client.postForm("/login", Map.of("password", TestServer.PASSWORD));
      WebClient.Answer wrong =
          client.postForm("/login", Map.of("csrf", "forged", "password", TestServer.PASSWORD));
      client.forgetCookies();
      WebClient.Answer noSession =
          client.postForm("/login", Map.of("csrf", "forged", "password", TestServer.PASSWORD));

      assertThat(missing.code()).isEqualTo(403);
      assertThat(missing.body()).contains("CSRF token");
      assertThat(wrong.code()).isEqualTo(403);
      assertThat(noSession.code()).isEqualTo(403);
      assertThat(noSession.body()).contains("No session");
    }
  }

  @Test
  void logoutEndsTheSession() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.loggedIn();
      String csrf = client.get("/").csrf();
      String cookie = client.cookies().get(COOKIE);

      WebClient.Answer answer = client.postForm("/logout", Map.of("csrf", csrf));

      assertThat(answer.code()).isEqualTo(303);
      assertThat(answer.header("Location")).isEqualTo("./login");
      assertThat(answer.cookiesSet()).anySatisfy(c -> assertThat(c).contains("Max-Age=0"));
      WebClient replay = server.client();
      replay.setCookie(COOKIE, cookie);
      assertThat(replay.get("/").code()).isEqualTo(303);
    }
  }

  @Test
  void logoutNeedsTheCsrfToken() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.loggedIn();

      WebClient.Answer answer = client.postForm("/logout", Map.of());

      assertThat(answer.code()).isEqualTo(403);
      assertThat(client.get("/").code()).isEqualTo(200);
    }
  }

  @Test
  void idleSessionsExpire() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.loggedIn();

      server.clock.advance(Sessions.IDLE_TIMEOUT.minusMinutes(1));
      assertThat(client.get("/").code()).isEqualTo(200);
      server.clock.advance(Sessions.IDLE_TIMEOUT.plusMinutes(1));

      assertThat(client.get("/").code()).isEqualTo(303);
    }
  }

  @Test
  void sessionsEndAfterTwelveHoursHoweverBusy() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.loggedIn();

      for (int i = 0; i < 26; i++) {
        server.clock.advance(Duration.ofMinutes(29));
        client.get("/");
      }

      assertThat(client.get("/").code()).isEqualTo(303);
    }
  }

  @Test
  void apiCallsWithoutSessionAreRefusedAsJson() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient.Answer answer = server.client().get("/api/status");

      assertThat(answer.code()).isEqualTo(401);
      assertThat(answer.header("Content-Type")).startsWith("application/json");
      assertThat(answer.body()).contains("Log in first");
    }
  }

  @Test
  void qradarAppTrustsTheConsoleAndNamesItsCookieAfterTheApp() {
    try (TestServer server = TestServer.qradarApp(stateDir, Map.of("QRADAR_APP_ID", "1051"))) {
      WebClient client = server.client();

      WebClient.Answer home = client.get("/");
      WebClient.Answer login = client.get("/login");

      assertThat(home.code()).isEqualTo(200);
      assertThat(home.cookiesSet())
          .singleElement()
          .asString()
          .startsWith("ioc_sync_session_1051=")
          .contains("; Secure")
          .contains("; HttpOnly");
      assertThat(login.code()).isEqualTo(303);
      assertThat(login.header("Location")).isEqualTo("./");
      assertThat(client.postForm("/logout", Map.of()).code()).isEqualTo(403);
    }
  }

  private static String url(TestServer server, String path) {
    return "http://127.0.0.1:" + server.server.port() + path;
  }
}
