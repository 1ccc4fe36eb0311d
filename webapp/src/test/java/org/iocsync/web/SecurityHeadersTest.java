package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityHeadersTest {
  @TempDir Path stateDir;

  @Test
  void debugAnswersPongToAnyone() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient.Answer answer = server.client().get("/debug");

      assertThat(answer.code()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("Pong!");
      assertThat(answer.cookiesSet()).isEmpty();
    }
  }

  @Test
  void standaloneForbidsFramingAndInlineScript() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient.Answer answer = server.client().get("/setup");

      String csp = answer.header("Content-Security-Policy");
      assertThat(csp)
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .contains("default-src 'none'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval");
      assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    }
  }

  @Test
  void sendsNoServerHeaderOnAnyAnswer() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.client();

      assertThat(client.get("/debug").header("Server")).isNull();
      assertThat(client.get("/no-such-page").header("Server")).isNull();
      assertThat(client.get("/api/status").header("Server")).isNull();
      assertThat(client.get("/debug").header("X-Powered-By")).isNull();
    }
  }

  @Test
  void headersAlsoGoOutWithRefusals() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient.Answer answer = server.client().get("/api/jobs");

      assertThat(answer.code()).isEqualTo(401);
      assertThat(answer.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
      assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
  }

  @Test
  void qradarAppMayBeFramedByTheConsoleOnly() {
    Map<String, String> env =
        Map.of("QRADAR_APP_ID", "1051", "QRADAR_CONSOLE_FQDN", "qradar.example.org");
    try (TestServer server = TestServer.qradarApp(stateDir, env)) {
      WebClient.Answer answer = server.client().get("/");

      assertThat(answer.header("Content-Security-Policy"))
          .contains("frame-ancestors 'self' https://qradar.example.org")
          .doesNotContain("'none'; base-uri");
      assertThat(answer.header("X-Frame-Options")).isNull();
    }
  }

  @Test
  void servesBundledAssetsWithTheirTypes() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.client();

      WebClient.Answer script = client.get("/static/app.js");
      WebClient.Answer style = client.get("/static/app.css");

      assertThat(script.code()).isEqualTo(200);
      assertThat(script.header("Content-Type")).startsWith("text/javascript");
      assertThat(script.body()).contains("use strict");
      assertThat(style.header("Content-Type")).startsWith("text/css");
      assertThat(style.cookiesSet()).isEmpty();
    }
  }

  @Test
  void pagesCarryNoInlineScriptAndOnlyRelativeLinks() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.loggedIn();

      for (String path : new String[] {"/", "/login", "/setup"}) {
        String page = client.get(path).body();
        assertThat(page).doesNotContainPattern("<script(?![^>]*\\ssrc=)");
        assertThat(page).doesNotContainPattern("\\son[a-z]+=");
        assertThat(page).doesNotContainPattern("(href|src|action)=\"(/|https?:)");
      }
    }
  }

  @Test
  void unknownPathsAnswer404InTheirFormat() {
    try (TestServer server = TestServer.standalone(stateDir)) {
      WebClient client = server.loggedIn();

      WebClient.Answer page = client.get("/no-such-page");
      WebClient.Answer api = client.get("/api/no-such-thing");

      assertThat(page.code()).isEqualTo(404);
      assertThat(page.header("Content-Type")).startsWith("text/html");
      assertThat(api.code()).isEqualTo(404);
      assertThat(api.header("Content-Type")).startsWith("application/json");
      assertThat(api.body()).contains("\"error\"");
    }
  }

  @Test
  void bindsLoopbackUnlessToldOtherwise() {
    WebSettings standalone = WebSettings.fromEnvironment(Map.of(), null, null, stateDir);
    WebSettings told = WebSettings.fromEnvironment(Map.of(), "0.0.0.0", 9000, stateDir);
    WebSettings qradar =
        WebSettings.fromEnvironment(Map.of("QRADAR_APP_ID", "7"), null, null, stateDir);

    assertThat(standalone.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(standalone.port()).isEqualTo(8080);
    assertThat(told.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(told.port()).isEqualTo(9000);
    assertThat(qradar.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(qradar.port()).isEqualTo(5000);
  }
}
