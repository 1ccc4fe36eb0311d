package org.iocsync.web;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A web server on a random loopback port, by default with a clock the test moves. */
final class TestServer implements AutoCloseable {
  static final String PASSWORD = "correct horse battery";

  final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  final MemoryConnectors connectors = new MemoryConnectors();
  final WebComponent component;
  final WebServer server;

  private TestServer(WebSettings settings, @Nullable Clock realClock) {
    this.component =
        DaggerWebComponent.builder()
            .settings(settings)
            .clock(realClock != null ? realClock : clock)
            .connectors(connectors)
            .demo(Optional.empty())
            .build();
    this.server = component.server().start();
  }

  static TestServer standalone(Path stateDir) {
    return new TestServer(WebSettings.fromEnvironment(Map.of(), null, 0, stateDir), null);
  }

  /** A server on the system clock, for browsers, whose script counts down in real time. */
  static TestServer onSystemClock(Path stateDir) {
    return new TestServer(
        WebSettings.fromEnvironment(Map.of(), null, 0, stateDir), Clock.systemUTC());
  }

  static TestServer qradarApp(Path stateDir, Map<String, String> env) {
    return new TestServer(WebSettings.fromEnvironment(env, "127.0.0.1", 0, stateDir), null);
  }

  WebClient client() {
    return new WebClient(server.port());
  }

  /** A client logged in with {@link #PASSWORD}, which this sets first if needed. */
  WebClient loggedIn() {
    if (!component.adminPassword().isSet()) {
      component.adminPassword().setFirst(PASSWORD.toCharArray());
    }
    WebClient client = client();
    String csrf = client.get("/login").csrf();
    WebClient.Answer answer = client.postForm("/login", Map.of("csrf", csrf, "password", PASSWORD));
    if (answer.code() != 303) {
      throw new AssertionError("Login failed: " + answer);
    }
    return client;
  }

  @Override
  public void close() {
    server.close();
  }
}
