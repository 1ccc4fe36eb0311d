package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iocsync.misp.MispFixtures.KEY;
import static org.iocsync.misp.MispFixtures.json;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.iocsync.http.HttpSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MispLoggingTest {
  private final MockWebServer server = MispFixtures.startServer();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final MispClient client =
      MispFixtures.client(server, HttpSettings.builder().httpLogger(lines::add).build());

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void logsRequestsAndResponsesWithTheKeyRedacted() {
    server.enqueue(json("{\"version\":\"2.5.1\"}"));
    server.enqueue(MispFixtures.page(1, 0));

    client.version();
    try (Stream<MispAttribute> attributes = client.searchAttributes(AttributeQuery.all())) {
      assertThat(attributes).isEmpty();
    }

    assertThat(lines)
        .contains(
            "--> GET " + MispFixtures.baseUrl(server) + "servers/getVersion http/1.1",
            "--> POST " + MispFixtures.baseUrl(server) + "attributes/restSearch http/1.1",
            "Accept: application/json",
            "Content-Type: application/json")
        .anySatisfy(line -> assertThat(line).startsWith("<-- 200"));
    assertThat(lines).filteredOn(line -> line.equals("Authorization: ██")).hasSize(2);
    assertThat(lines).noneSatisfy(line -> assertThat(line).contains(KEY));
  }
}
