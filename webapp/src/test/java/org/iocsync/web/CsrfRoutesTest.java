package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads every state-changing route from Javalin's router at run time, so that a route added later
 * cannot escape, and proves that each refuses a request without its session's CSRF token, and one
 * without a logged-in session, changing nothing; and that each accepts the same request once the
 * token is right, so that the refusals are the token's doing.
 */
class CsrfRoutesTest {
  private static final Set<HandlerType> SAFE =
      Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
  private static final Pattern PARAMETER = Pattern.compile("\\{([^}]+)}|<([^>]+)>");
  private static final MediaType JSON = MediaType.get("application/json");

  /** Routes that a visitor without a logged-in session must reach: their token is all they have. */
  private static final Set<String> OPEN = Set.of("/login", "/setup");

  /** Each route proven, as {@code "POST /api/jobs"}, over every mode the server runs in. */
  private static final Set<String> PROVEN = new ConcurrentSkipListSet<>();

  @TempDir Path stateDir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  @AfterAll
  static void printCount() {
    System.out.println(
        "CSRF: "
            + PROVEN.size()
            + " state-changing routes refuse requests without a valid CSRF token and without a"
            + " session: "
            + PROVEN);
  }

  @Test
  void everyStateChangingRouteOfTheStandaloneServerNeedsTheSessionsToken() {
    WebServer server = start(WebSettings.fromEnvironment(Map.of(), null, 0, stateDir), null);

    List<Endpoint> routes = stateChanging(server);

    assertThat(routes)
        .extracting(CsrfRoutesTest::name)
        .contains(
            "POST /login", "POST /setup", "POST /logout", "POST /api/jobs", "PUT /api/jobs/{name}")
        .contains(
            "DELETE /api/jobs/{name}", "POST /jobs/{name}/delete", "POST /connections/{server}");
    proveAll(server, routes, null);
  }

  @Test
  void everyStateChangingRouteOfTheDemoNeedsTheSessionsToken() {
    DemoServers demo = DemoServers.start();
    running.add(demo);
    WebServer server = start(WebSettings.fromEnvironment(Map.of(), null, 0, stateDir), demo);

    List<Endpoint> routes = stateChanging(server);

    assertThat(routes)
        .extracting(CsrfRoutesTest::name)
        .contains("POST /demo/attributes/{uuid}/delete", "POST /demo/attributes/{uuid}/no-ids");
    proveAll(server, routes, demo);
  }

  @Test
  void everyStateChangingRouteInsideQradarNeedsTheSessionsToken() {
    WebServer server =
        start(
            WebSettings.fromEnvironment(
                Map.of("QRADAR_APP_ID", "1051", "QRADAR_CONSOLE_FQDN", "console.example.org"),
                "127.0.0.1",
                0,
                stateDir),
            null);

    List<Endpoint> routes = stateChanging(server);

    assertThat(routes).extracting(CsrfRoutesTest::name).contains("POST /api/jobs");
    proveAll(server, routes, null);
  }

  private WebServer start(WebSettings settings, @Nullable DemoServers demo) {
    WebComponent component =
        DaggerWebComponent.builder()
            .settings(settings)
            .clock(clock)
            .connectors(new MemoryConnectors())
            .demo(Optional.ofNullable(demo))
            .build();
    if (!settings.qradarApp()) {
      component.adminPassword().setFirst(TestServer.PASSWORD.toCharArray());
    }
    WebServer server = component.server().start();
    running.add(server);
    return server;
  }

  private static List<Endpoint> stateChanging(WebServer server) {
    return server.endpoints().stream()
        .filter(endpoint -> endpoint.method.isHttpMethod() && !SAFE.contains(endpoint.method))
        .toList();
  }

  /**
   * Sends each route every kind of forged request, checks that nothing changed, then sends each the
   * real thing.
   */
  private void proveAll(WebServer server, List<Endpoint> routes, @Nullable DemoServers demo) {
    WebClient owner = logIn(server);
    String token = owner.get("/").csrf();
    assertThat(
            owner
                .json(
                    "POST",
                    "/api/jobs",
                    "{\"name\": \"ips\", \"referenceSet\": \"MISP IPs\", \"elementType\": \"IP\"}",
                    Map.of(SecurityFilter.CSRF_HEADER, token))
                .code())
        .isEqualTo(201);
    WebClient other = logIn(server);
    String othersToken = other.get("/").csrf();
    // Inside QRadar every visitor has a logged-in session: the console authenticated them.
    WebClient anonymous = new WebClient(server.port());
    WebClient.Answer loginPage = anonymous.get("/login");
    @Nullable String anonymousToken = loginPage.code() == 200 ? loginPage.csrf() : null;
    WebClient stranger = new WebClient(server.port());
    String before = snapshot(owner, demo);

    int port = server.port();
    for (Endpoint route : routes) {
      String path = fill(route.path, demo);
      String method = route.method.name();

      assertRefused(
          route, owner.send(request(port, method, path, null, null), Map.of()), "no token");
      assertRefused(
          route, owner.send(request(port, method, path, "forged", null), Map.of()), "forged");
      assertRefused(
          route,
          owner.send(request(port, method, path, token.substring(1), null), Map.of()),
          "a truncated token");
      assertRefused(
          route,
          owner.send(request(port, method, path, othersToken, null), Map.of()),
          "another session's token");
      assertRefused(
          route,
          owner.send(request(port, method, path, null, token), Map.of()),
          "the token in the query string");
      assertRefused(
          route,
          stranger.send(request(port, method, path, token, null), Map.of()),
          "no session, with a stolen token");
      stranger.forgetCookies();
      if (anonymousToken != null && !OPEN.contains(path)) {
        assertRefused(
            route,
            anonymous.send(request(port, method, path, anonymousToken, null), Map.of()),
            "a session that never logged in, with its own token");
      }
    }
    assertThat(snapshot(owner, demo)).isEqualTo(before);

    // Logging in is slow on purpose (a password hash), so one user tries every route, out last.
    List<Endpoint> ordered = new ArrayList<>(routes);
    ordered.sort((a, b) -> Boolean.compare(a.path.equals("/logout"), b.path.equals("/logout")));
    WebClient user = logIn(server);
    String valid = user.get("/").csrf();
    for (Endpoint route : ordered) {
      if (user.get("/api/jobs/ips").code() == 404) {
        user.json(
            "POST",
            "/api/jobs",
            "{\"name\": \"ips\", \"referenceSet\": \"MISP IPs\", \"elementType\": \"IP\"}",
            Map.of(SecurityFilter.CSRF_HEADER, valid));
      }

      WebClient.Answer answer =
          user.send(
              request(server.port(), route.method.name(), fill(route.path, demo), valid, null),
              Map.of());

      String description = name(route) + " with its token: " + answer;
      assertThat(answer.code()).as(description).isNotIn(401, 403);
      if (route.path.equals("/logout")) {
        assertThat(answer.cookiesSet()).as(description).anyMatch(c -> c.contains("Max-Age=0"));
      } else {
        assertThat(String.valueOf(answer.header("Location")))
            .as(description)
            .doesNotEndWith("login");
      }
      PROVEN.add(name(route));
    }
  }

  private static WebClient logIn(WebServer server) {
    WebClient client = new WebClient(server.port());
    WebClient.Answer login = client.get("/login");
    if (login.code() == 200) {
      WebClient.Answer answer =
          client.postForm("/login", Map.of("csrf", login.csrf(), "password", TestServer.PASSWORD));
      assertThat(answer.code()).as(answer.toString()).isEqualTo(303);
    }
    return client;
  }

  /** A request as the page or its script would send it, with the token where each puts it. */
  private static Request.Builder request(
      int port,
      String method,
      String path,
      @Nullable String bodyToken,
      @Nullable String queryToken) {
    boolean api = path.startsWith("/api/");
    String url =
        path + (queryToken == null ? "" : "?" + SecurityFilter.CSRF_FIELD + "=" + queryToken);
    Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + port + url);
    if (api) {
      request.method(method, RequestBody.create("{}", JSON));
      if (bodyToken != null) {
        request.header(SecurityFilter.CSRF_HEADER, bodyToken);
      }
    } else {
      FormBody.Builder form = new FormBody.Builder().add("password", TestServer.PASSWORD);
      if (bodyToken != null) {
        form.add(SecurityFilter.CSRF_FIELD, bodyToken);
      }
      request.method(method, form.build());
    }
    return request;
  }

  private static void assertRefused(Endpoint route, WebClient.Answer answer, String how) {
    String description = name(route) + " with " + how + ": " + answer;
    if (answer.code() == 303) {
      assertThat(answer.header("Location")).as(description).endsWith("login");
    } else {
      assertThat(answer.code()).as(description).isIn(401, 403);
    }
  }

  /** Fills a route's path parameters with values that name real things, so that a miss matters. */
  private static String fill(String path, @Nullable DemoServers demo) {
    Matcher matcher = PARAMETER.matcher(path);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
      String value =
          switch (name) {
            case "name" -> "ips";
            case "server" -> "misp";
            case "uuid" ->
                demo == null ? "00000000-0000-0000-0000-000000000000" : demoAttribute(demo);
            default ->
                throw new AssertionError(
                    "The route "
                        + path
                        + " has a new path parameter {"
                        + name
                        + "}: give it a"
                        + " value here that names something real");
          };
      matcher.appendReplacement(filled, value);
    }
    matcher.appendTail(filled);
    return filled.toString();
  }

  private static String demoAttribute(DemoServers demo) {
    return demo.misp.attributes(demo.watchedEvent).stream()
        .filter(attribute -> !attribute.deleted() && attribute.toIds())
        .findFirst()
        .orElseThrow()
        .uuid();
  }

  /** What a forged request could have changed: jobs, connections, runs, the demo's MISP. */
  private static String snapshot(WebClient client, @Nullable DemoServers demo) {
    StringBuilder state = new StringBuilder();
    state.append(client.get("/api/jobs").body());
    state.append(client.get("/api/status").body());
    state.append(client.get("/api/runs").body());
    if (demo != null) {
      state.append(
          new TreeSet<>(
              demo.misp.attributes(demo.watchedEvent).stream()
                  .map(a -> a.uuid() + a.deleted() + a.toIds())
                  .toList()));
    }
    assertThat(client.get("/api/jobs").code()).isEqualTo(200);
    return state.toString();
  }

  private static String name(Endpoint route) {
    return route.method.name() + " " + route.path;
  }
}
