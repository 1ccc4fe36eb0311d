package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

class ConnectionTest {
  private static final String VERSIONS =
      "[{\"version\":\"12.0\",\"deprecated\":true,\"removed\":true},"
          + "{\"version\":\"15.0\",\"deprecated\":true,\"removed\":false},"
          + "{\"version\":\"16.0\",\"deprecated\":false,\"removed\":false},"
          + "{\"version\":\"19.0\",\"deprecated\":false,\"removed\":false},"
          + "{\"version\":\"20.0\",\"deprecated\":false,\"removed\":false},"
          + "{\"version\":\"21.0\",\"deprecated\":false,\"removed\":false}]";

  @StartStop private final MockWebServer server = new MockWebServer();

  @Test
  void choosesNewestOfferedVersionItKnowsAndChecksAccessWithIt() throws Exception {
    server.enqueue(Mock.json(200, VERSIONS));
    server.enqueue(Mock.json(200, "[]", "items */0"));

    ConnectionCheck check = Mock.client(server).build().testConnection();

    assertThat(check)
        .isEqualTo(
            new ConnectionCheck(
                List.of("15.0", "16.0", "19.0", "20.0", "21.0"),
                "20.0",
                false,
                false,
                ReferenceApi.COLLECTIONS));
    RecordedRequest versions = Mock.take(server);
    assertThat(versions.getMethod()).isEqualTo("GET");
    assertThat(versions.getTarget())
        .isEqualTo("/api/help/versions?fields=version%2Cdeprecated%2Cremoved");
    assertThat(versions.getHeaders().get("SEC")).isEqualTo(Mock.TOKEN);
    assertThat(versions.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(versions.getHeaders().get("Version")).isNull();
    RecordedRequest probe = Mock.take(server);
    assertThat(probe.getTarget()).isEqualTo("/api/reference_data_collections/sets");
    assertThat(probe.getHeaders().get("Range")).isEqualTo("items=0-0");
    assertThat(probe.getHeaders().get("Version")).isEqualTo("20.0");
    assertThat(probe.getHeaders().get("SEC")).isEqualTo(Mock.TOKEN);
  }

  @Test
  void skipsRemovedVersions() throws Exception {
    server.enqueue(
        Mock.json(
            200,
            "[{\"version\":\"19.0\",\"deprecated\":true,\"removed\":false},"
                + "{\"version\":\"20.0\",\"deprecated\":false,\"removed\":true}]"));
    server.enqueue(Mock.json(200, "[]"));

    ConnectionCheck check = Mock.client(server).build().testConnection();

    assertThat(check.version()).isEqualTo("19.0");
    assertThat(check.versionDeprecated()).isTrue();
    assertThat(check.versionsOffered()).containsExactly("19.0");
  }

  @Test
  void usesLegacyApiBeforeVersion16() throws Exception {
    server.enqueue(Mock.json(200, "[{\"version\":\"14.0\"},{\"version\":\"15.0\"}]"));
    server.enqueue(Mock.json(200, "[]"));

    ConnectionCheck check = Mock.client(server).build().testConnection();

    assertThat(check.api()).isEqualTo(ReferenceApi.LEGACY);
    assertThat(check.version()).isEqualTo("15.0");
    Mock.take(server);
    RecordedRequest probe = Mock.take(server);
    assertThat(probe.getTarget()).isEqualTo("/api/reference_data/sets?fields=name");
    assertThat(probe.getHeaders().get("Range")).isEqualTo("items=0-0");
    assertThat(probe.getHeaders().get("Version")).isEqualTo("15.0");
  }

  @Test
  void forcedLegacyApiUsesNewestVersion() throws Exception {
    server.enqueue(Mock.json(200, VERSIONS));
    server.enqueue(Mock.json(200, "[]"));

    ConnectionCheck check = Mock.client(server).api(ReferenceApi.LEGACY).build().testConnection();

    assertThat(check.api()).isEqualTo(ReferenceApi.LEGACY);
    assertThat(check.version()).isEqualTo("20.0");
  }

  @Test
  void pinnedVersionIsSentWithoutAskingTheServer() throws Exception {
    server.enqueue(Mock.json(200, "[]"));

    Mock.client(server).apiVersion("16.0").build().referenceSets().list();

    RecordedRequest request = Mock.take(server);
    assertThat(request.getTarget()).startsWith("/api/reference_data_collections/sets");
    assertThat(request.getHeaders().get("Version")).isEqualTo("16.0");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void testConnectionReportsPinnedVersion() throws Exception {
    server.enqueue(Mock.json(200, VERSIONS));
    server.enqueue(Mock.json(200, "[]"));

    ConnectionCheck check = Mock.client(server).apiVersion("16.0").build().testConnection();

    assertThat(check.version()).isEqualTo("16.0");
    assertThat(check.versionPinned()).isTrue();
    assertThat(check.api()).isEqualTo(ReferenceApi.COLLECTIONS);
  }

  @Test
  void testConnectionRefusesPinnedVersionTheServerRemoved() {
    server.enqueue(Mock.json(200, VERSIONS));

    assertThatThrownBy(() -> Mock.client(server).apiVersion("12.0").build().testConnection())
        .isInstanceOf(QradarVersionException.class)
        .hasMessage(
            "QRadar has removed API version 12.0: pin a version it still offers, or leave the"
                + " version unset.");
  }

  @Test
  void testConnectionRefusesPinnedVersionTheServerDoesNotOffer() {
    server.enqueue(Mock.json(200, VERSIONS));

    assertThatThrownBy(() -> Mock.client(server).apiVersion("17.0").build().testConnection())
        .isInstanceOf(QradarVersionException.class)
        .hasMessage(
            "QRadar does not offer API version 17.0; it offers 15.0, 16.0, 19.0, 20.0, 21.0.");
  }

  @Test
  void failsWhenNoOfferedVersionIsKnown() {
    server.enqueue(Mock.json(200, "[{\"version\":\"21.0\"},{\"version\":\"22.0\"}]"));

    assertThatThrownBy(() -> Mock.client(server).build().referenceSets().list())
        .isInstanceOf(QradarVersionException.class)
        .hasMessage(
            "QRadar offers API versions 21.0, 22.0; this client knows 12.0 to 20.x. Pin one the"
                + " server offers with apiVersion(...) to try it.");
  }

  @Test
  void forcedCollectionsApiNeedsVersion16() {
    server.enqueue(Mock.json(200, "[{\"version\":\"14.0\"},{\"version\":\"15.0\"}]"));

    assertThatThrownBy(
            () -> Mock.client(server).api(ReferenceApi.COLLECTIONS).build().referenceSets().list())
        .isInstanceOf(QradarVersionException.class)
        .hasMessageContaining("and the collections API needs 16.0");
  }

  @Test
  void retriesVersionChoiceAfterAFailure() throws Exception {
    server.enqueue(Mock.error(503, 1020, "starting up", "An unexpected error has occurred."));
    server.enqueue(Mock.json(200, VERSIONS));
    server.enqueue(Mock.json(200, "[]"));
    ReferenceSets sets = Mock.client(server).build().referenceSets();

    assertThatThrownBy(sets::list).isInstanceOf(QradarServerException.class);
    sets.list();

    Mock.take(server);
    Mock.take(server);
    assertThat(Mock.take(server).getHeaders().get("Version")).isEqualTo("20.0");
  }

  @Test
  void threadsSharingAClientAskForTheVersionsOnce() throws Exception {
    AtomicInteger versionCalls = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getTarget().startsWith("/api/help/versions")) {
              versionCalls.incrementAndGet();
              return Mock.json(200, VERSIONS);
            }
            return Mock.json(200, "[]");
          }
        });
    ReferenceSets sets = Mock.client(server).build().referenceSets();
    ExecutorService threads = Executors.newFixedThreadPool(8);

    try {
      List<Future<List<ReferenceSetInfo>>> lists = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        lists.add(threads.submit(sets::list));
      }
      for (Future<List<ReferenceSetInfo>> list : lists) {
        assertThat(list.get(10, TimeUnit.SECONDS)).isEmpty();
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(versionCalls).hasValue(1);
    assertThat(server.getRequestCount()).isEqualTo(17);
  }

  @Test
  void refusedTokenFailsTheConnectionTest() {
    server.enqueue(
        Mock.error(
            401,
            12,
            "No SEC header present in request. Please provide it.",
            "You are unauthorized to access the requested resource."));

    assertThatThrownBy(() -> Mock.client(server).build().testConnection())
        .isInstanceOf(QradarAuthenticationException.class)
        .hasMessageContaining("QRadar refused the credentials (401)")
        .hasMessageNotContaining(Mock.TOKEN);
  }

  @Test
  void basicAuthSendsAuthorizationInsteadOfSec() throws Exception {
    server.enqueue(Mock.json(200, "[]"));
    QradarClient client =
        QradarClient.builder()
            .baseUrl(server.url("/").toString())
            .basicAuth("admin", "pa55word")
            .apiVersion("20.0")
            .build();

    client.referenceSets().list();

    RecordedRequest request = Mock.take(server);
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("admin:pa55word".getBytes(StandardCharsets.UTF_8));
    assertThat(request.getHeaders().get("Authorization")).isEqualTo(expected);
    assertThat(request.getHeaders().get("SEC")).isNull();
  }
}
