package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.FormBody;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An attacker's tries at sessions: fixing one, guessing the password, outliving a logout. */
class SessionAttackTest {
  private static final String COOKIE = "ioc_sync_session";

  @TempDir Path stateDir;

  private TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.standalone(stateDir);
    server.component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSessionIdChosenByAnAttackerIsNeverAdopted() {
    WebClient victim = server.client();
    victim.setCookie(COOKIE, "attacker-chosen-id");

    String csrf = victim.get("/login").csrf();
    String issued = victim.cookies().get(COOKIE);
    victim.postForm("/login", Map.of("csrf", csrf, "password", TestServer.PASSWORD));

    assertThat(issued).isNotEqualTo("attacker-chosen-id");
    assertThat(victim.cookies().get(COOKIE)).isNotEqualTo("attacker-chosen-id");
    WebClient attacker = server.client();
    attacker.setCookie(COOKIE, "attacker-chosen-id");
    assertThat(attacker.get("/api/jobs").code()).isEqualTo(401);
  }

  @Test
  void aSessionFixedBeforeLoginIsWorthNothingAfterIt() {
    WebClient attacker = server.client();
    String attackersCsrf = attacker.get("/login").csrf();
    String fixed = attacker.cookies().get(COOKIE);
    WebClient victim = server.client();
    victim.setCookie(COOKIE, fixed);

    WebClient.Answer login =
        victim.postForm("/login", Map.of("csrf", attackersCsrf, "password", TestServer.PASSWORD));

    assertThat(login.code()).isEqualTo(303);
    assertThat(victim.cookies().get(COOKIE)).isNotEqualTo(fixed);
    assertThat(victim.get("/api/jobs").code()).isEqualTo(200);
    assertThat(attacker.get("/api/jobs").code()).isEqualTo(401);
    assertThat(attacker.get("/").header("Location")).endsWith("login");
    WebClient.Answer forged =
        attacker.json(
            "POST",
            "/api/jobs",
            "{\"name\": \"x\", \"referenceSet\": \"X\"}",
            Map.of(SecurityFilter.CSRF_HEADER, attackersCsrf));
    assertThat(forged.code()).isEqualTo(401);
    assertThat(server.component.service().jobs()).isEmpty();
  }

  @Test
  void spoofedForwardingHeadersAndFreshSessionsDoNotDodgeTheLoginLimit() {
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      WebClient guesser = server.client();
      String csrf = guesser.get("/login").csrf();

      WebClient.Answer answer =
          guesser.send(
              login(csrf, "guess" + i),
              Map.of("X-Forwarded-For", "198.51.100." + i, "X-Real-IP", "198.51.100." + i));

      assertThat(answer.code()).isEqualTo(401);
    }

    WebClient next = server.client();
    String csrf = next.get("/login").csrf();
    WebClient.Answer blocked =
        next.send(
            login(csrf, TestServer.PASSWORD),
            Map.of("X-Forwarded-For", "203.0.113.99", "X-Real-IP", "203.0.113.99"));

    assertThat(blocked.code()).isEqualTo(429);
    assertThat(blocked.header("Retry-After")).isEqualTo("900");
    assertThat(next.get("/api/jobs").code()).isEqualTo(401);
  }

  @Test
  void setupCodeGuessesAreLimitedLikePasswords() {
    try (TestServer fresh = TestServer.standalone(stateDir.resolve("fresh"))) {
      WebClient guesser = fresh.client();
      String csrf = guesser.get("/setup").csrf();
      for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
        guesser.postForm(
            "/setup",
            Map.of(
                "csrf",
                csrf,
                "code",
                "wrong" + i,
                "password",
                "a".repeat(12),
                "confirm",
                "a".repeat(12)));
      }

      WebClient.Answer blocked =
          guesser.postForm(
              "/setup",
              Map.of(
                  "csrf",
                  csrf,
                  "code",
                  fresh.component.setupCode().code(),
                  "password",
                  "b".repeat(12),
                  "confirm",
                  "b".repeat(12)));

      assertThat(blocked.code()).isEqualTo(429);
      assertThat(fresh.component.adminPassword().isSet()).isFalse();
    }
  }

  @Test
  void guessesFromManyAddressesTogetherAreLimitedToo() {
    LoginThrottle throttle = new LoginThrottle(server.clock);
    for (int i = 0; i < LoginThrottle.MAX_FAILURES_ALL; i++) {
      throttle.failed("10.0." + i / 250 + "." + i % 250);
    }

    assertThat(throttle.waitFor("192.0.2.1"))
        .hasValueSatisfying(
            wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(LoginThrottle.WINDOW));
    server.clock.advance(LoginThrottle.WINDOW.plus(Duration.ofSeconds(1)));
    assertThat(throttle.waitFor("192.0.2.1")).isEmpty();
  }

  @Test
  void afterLogoutNeitherTheCookieNorTheTokenWorksAndOtherSessionsStay() {
    WebClient user = server.loggedIn();
    WebClient otherBrowser = server.loggedIn();
    String csrf = user.get("/").csrf();
    String cookie = user.cookies().get(COOKIE);

    WebClient.Answer logout = user.postForm("/logout", Map.of("csrf", csrf));

    assertThat(logout.code()).isEqualTo(303);
    WebClient replay = server.client();
    replay.setCookie(COOKIE, cookie);
    assertThat(replay.get("/api/status").code()).isEqualTo(401);
    WebClient.Answer replayedWrite =
        replay.json(
            "POST",
            "/api/jobs",
            "{\"name\": \"x\", \"referenceSet\": \"X\"}",
            Map.of(SecurityFilter.CSRF_HEADER, csrf));
    assertThat(replayedWrite.code()).isEqualTo(401);
    assertThat(user.get("/api/status").code()).isEqualTo(401);
    assertThat(otherBrowser.get("/api/status").code()).isEqualTo(200);
    assertThat(server.component.service().jobs()).isEmpty();
  }

  private Request.Builder login(String csrf, String password) {
    return new Request.Builder()
        .url("http://127.0.0.1:" + server.server.port() + "/login")
        .post(new FormBody.Builder().add("csrf", csrf).add("password", password).build());
  }
}
