package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.Fault;
import org.iocsync.testkit.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against the testkit's fake QRadar, through each of the two APIs. */
class FakeQradarTest {
  private FakeQradar qradar;

  @BeforeEach
  void start() {
    qradar = FakeQradar.start();
  }

  @AfterEach
  void stop() {
    qradar.close();
  }

  private QradarClient.Builder client(ReferenceApi api) {
    return QradarClient.builder()
        .baseUrl(qradar.url())
        .token(qradar.token())
        .api(api)
        .taskPollInterval(Duration.ofMillis(5));
  }

  private ReferenceSets sets(ReferenceApi api) {
    return client(api).build().referenceSets();
  }

  private static List<String> addresses(int count) {
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
    }
    return values;
  }

  private long requests(String method, String pathPart) {
    return qradar.requests().stream()
        .filter(r -> r.method().equals(method) && r.path().contains(pathPart))
        .count();
  }

  @Test
  void testConnectionChoosesTheNewestVersionAndTheCollectionsApi() {
    ConnectionCheck check = client(ReferenceApi.AUTO).build().testConnection();

    assertThat(check.version()).isEqualTo("20.0");
    assertThat(check.api()).isEqualTo(ReferenceApi.COLLECTIONS);
    assertThat(check.versionDeprecated()).isFalse();
    assertThat(check.versionsOffered()).startsWith("12.0", "12.1").endsWith("20.0");
  }

  @Test
  void testConnectionOnAnOlderServerChoosesTheLegacyApi() {
    qradar.close();
    qradar = FakeQradar.builder().versions("14.0", "15.0", "15.1").start();

    ConnectionCheck check = client(ReferenceApi.AUTO).build().testConnection();

    assertThat(check.version()).isEqualTo("15.1");
    assertThat(check.api()).isEqualTo(ReferenceApi.LEGACY);
    assertThat(check.versionDeprecated()).isTrue();
  }

  @Test
  void aWrongTokenIsRefused() {
    QradarClient client =
        QradarClient.builder().baseUrl(qradar.url()).token("not-the-token-at-all").build();

    assertThatThrownBy(client::testConnection)
        .isInstanceOf(QradarAuthenticationException.class)
        .hasMessageContaining("QRadar refused the credentials (401)")
        .hasMessageNotContaining("not-the-token-at-all");
  }

  @Test
  void aRemovedVersionIsRefused() {
    qradar.close();
    qradar = FakeQradar.builder().removedVersions("15.0").start();
    ReferenceSets sets = client(ReferenceApi.LEGACY).apiVersion("15.0").build().referenceSets();

    assertThatThrownBy(sets::list)
        .isInstanceOf(QradarVersionException.class)
        .hasMessageContaining("QRadar refused API version 15.0 (422)");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void adds25000ValuesInBatches(ReferenceApi api) {
    ReferenceSets sets = sets(api);
    sets.create(NewReferenceSet.of("MISP IPs", QradarElementType.IP));
    List<String> values = addresses(25_000);

    BulkWriteResult result = sets.add("MISP IPs", values);

    assertThat(result.batches()).hasSize(25);
    assertThat(result.batches()).allSatisfy(batch -> assertThat(batch.accepted()).hasSize(1_000));
    assertThat(result.rejected()).isEmpty();
    assertThat(qradar.values("MISP IPs")).isEqualTo(new HashSet<>(values));
  }

  @Test
  void aLegacyBulkLoadUpToApi16GoesByName() {
    ReferenceSets sets = client(ReferenceApi.LEGACY).apiVersion("16.0").build().referenceSets();
    sets.create(NewReferenceSet.of("s", QradarElementType.ALN));

    sets.add("s", List.of("a", "b"));

    assertThat(qradar.values("s")).containsExactly("a", "b");
    assertThat(requests("POST", "/api/reference_data/sets/bulk_load/s")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void aBulkWriteAcceptedInPartSaysWhichValuesAndWhy(ReferenceApi api) {
    ReferenceSets sets = sets(api);
    sets.create(NewReferenceSet.of("ports", QradarElementType.PORT));
    List<String> values = List.of("22", "http", "443", "70000", "8080", "-1", "3389");

    BulkWriteResult result = sets.add("ports", values);

    assertThat(result.accepted()).containsExactlyInAnyOrder("22", "443", "8080", "3389");
    assertThat(result.rejected())
        .extracting(RejectedValue::value)
        .containsExactlyInAnyOrder("http", "70000", "-1");
    assertThat(result.rejected())
        .allSatisfy(
            rejected -> {
              assertThat(rejected.reason()).containsAnyOf("not valid", "does not match");
              assertThat(rejected.qradarCode()).isNotNull();
            });
    assertThat(qradar.values("ports")).containsExactlyInAnyOrder("22", "443", "8080", "3389");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void reads100000EntriesPageByPage(ReferenceApi api) {
    qradar.createSet("big", "IP");
    List<String> values = addresses(100_000);
    for (String value : values) {
      qradar.addByHand("big", value);
    }
    qradar.clearRequests();

    Set<String> read = new HashSet<>();
    long count;
    try (Stream<ReferenceSetEntry> entries = sets(api).entries("big")) {
      count = entries.peek(entry -> read.add(entry.value())).count();
    }

    assertThat(count).isEqualTo(100_000);
    assertThat(read).isEqualTo(new HashSet<>(values));
    List<String> ranges =
        qradar.requests().stream()
            .filter(r -> r.header("Range").isPresent() && !r.query().contains("name"))
            .map(r -> r.header("Range").orElseThrow())
            .toList();
    assertThat(ranges).hasSize(100).startsWith("items=0-999", "items=1000-1999");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void aServerThatCapsItsPagesIsReadToTheEnd(ReferenceApi api) {
    qradar.close();
    qradar = FakeQradar.builder().maxPageSize(300).start();
    qradar.createSet("s", "NUM");
    for (int i = 0; i < 2_500; i++) {
      qradar.addByHand("s", String.valueOf(i));
    }

    long count;
    try (Stream<ReferenceSetEntry> entries = sets(api).entries("s")) {
      count = entries.map(ReferenceSetEntry::value).distinct().count();
    }

    assertThat(count).isEqualTo(2_500);
  }

  @Test
  void aLegacyPurgeWaitsThroughSeveralPolls() {
    qradar.taskPolls(4);
    ReferenceSets sets = sets(ReferenceApi.LEGACY);
    sets.create(NewReferenceSet.of("s", QradarElementType.ALNIC));
    sets.add("s", List.of("a", "b", "c"));

    sets.purge("s");

    assertThat(qradar.values("s")).isEmpty();
    assertThat(sets.find("s")).isPresent();
    assertThat(requests("GET", "/api/system/task_management/tasks/")).isEqualTo(4);
  }

  @Test
  void aCollectionsPurgeEmptiesTheSet() {
    ReferenceSets sets = sets(ReferenceApi.COLLECTIONS);
    sets.create(NewReferenceSet.of("s", QradarElementType.ALNIC));
    sets.add("s", List.of("a", "b", "c"));

    sets.purge("s");

    assertThat(qradar.values("s")).isEmpty();
    assertThat(sets.find("s").orElseThrow().size()).isZero();
  }

  @Test
  void aBulkTaskIsPolledUntilItEnds() {
    qradar.taskPolls(5);
    ReferenceSets sets = sets(ReferenceApi.COLLECTIONS);
    sets.create(NewReferenceSet.of("s", QradarElementType.IP));

    BulkWriteResult result = sets.add("s", List.of("192.0.2.1", "192.0.2.2"));

    assertThat(result.accepted()).containsExactly("192.0.2.1", "192.0.2.2");
    assertThat(requests("GET", "/set_bulk_update_tasks/")).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void deleteWaitsForItsTaskThroughSeveralPolls(ReferenceApi api) {
    qradar.taskPolls(3);
    ReferenceSets sets = sets(api);
    sets.create(NewReferenceSet.of("s", QradarElementType.IP));

    sets.delete("s");

    assertThat(qradar.set("s")).isEmpty();
    assertThat(sets.find("s")).isEmpty();
  }

  @Test
  void aPurgeThatNeverEndsFailsAtTheDeadline() {
    qradar.createSet("s", "IP");
    qradar.taskPolls(Integer.MAX_VALUE);
    ReferenceSets sets =
        client(ReferenceApi.LEGACY)
            .taskDeadline(Duration.ofMillis(400))
            .taskPollInterval(Duration.ofMillis(20))
            .build()
            .referenceSets();

    assertThatThrownBy(() -> sets.purge("s"))
        .isInstanceOf(QradarTaskException.class)
        .hasMessageContaining("had not ended after PT0.4S while purging reference set 's'")
        .satisfies(e -> assertThat(((QradarTaskException) e).deadlinePassed()).isTrue());
  }

  @Test
  void aBulkTaskThatNeverEndsFailsAtTheDeadlineKeepingEarlierBatches() {
    qradar.createSet("s", "IP");
    ReferenceSets sets =
        client(ReferenceApi.COLLECTIONS)
            .batchSize(2)
            .taskDeadline(Duration.ofMillis(400))
            .taskPollInterval(Duration.ofMillis(20))
            .build()
            .referenceSets();
    sets.add("s", List.of("192.0.2.1", "192.0.2.2"));
    qradar.taskPolls(Integer.MAX_VALUE);

    assertThatThrownBy(() -> sets.add("s", List.of("192.0.2.3", "192.0.2.4")))
        .isInstanceOf(QradarTaskException.class)
        .hasMessageContaining("had not ended after PT0.4S while adding 2 values to reference set")
        .satisfies(e -> assertThat(((QradarException) e).completedWrites().batches()).isEmpty());
  }

  @Test
  void aBatchThatFailsCarriesWhatEarlierBatchesWrote() {
    qradar.createSet("s", "IP");
    ReferenceSets sets = client(ReferenceApi.COLLECTIONS).batchSize(2).build().referenceSets();
    qradar.clearRequests();
    sets.add("s", List.of("192.0.2.1", "192.0.2.2"));
    int oneBatch = qradar.requests().size();
    qradar.faults().onRequest(oneBatch + 1, Fault.serverError());
    List<String> values = List.of("192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6");

    assertThatThrownBy(() -> sets.add("s", values))
        .isInstanceOf(QradarServerException.class)
        .hasMessageContaining("(QRadar had accepted 2 values in 1 batches before this failure)")
        .satisfies(
            e ->
                assertThat(((QradarException) e).completedWrites().accepted())
                    .containsExactly("192.0.2.3", "192.0.2.4"));
    assertThat(qradar.values("s"))
        .containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void namesWithSpaceSlashPercentAndPlusWorkEverywhere(ReferenceApi api) {
    String name = "MISP a b/c%d+e";
    ReferenceSets sets = sets(api);

    sets.create(NewReferenceSet.of(name, QradarElementType.ALN));
    sets.add(name, List.of("x y/z%1+2", "plain"));
    boolean removed = sets.remove(name, "x y/z%1+2");

    assertThat(removed).isTrue();
    assertThat(sets.find(name)).isPresent();
    assertThat(qradar.values(name)).containsExactly("plain");
    try (Stream<ReferenceSetEntry> entries = sets.entries(name)) {
      assertThat(entries.map(ReferenceSetEntry::value)).containsExactly("plain");
    }
    sets.delete(name);
    assertThat(qradar.set(name)).isEmpty();
    assertThat(qradar.requests()).noneMatch(r -> r.status() == 400);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void createThenFindShowTheSetWithItsExpiry(ReferenceApi api) {
    ReferenceSets sets = sets(api);

    sets.create(
        NewReferenceSet.of("expiring", QradarElementType.IP)
            .expiringAfter(Duration.ofDays(30), ExpiryBasis.FIRST_SEEN));

    ReferenceSetInfo info = sets.find("expiring").orElseThrow();
    assertThat(info.elementType()).isEqualTo(QradarElementType.IP);
    assertThat(info.expiryBasis()).isEqualTo(ExpiryBasis.FIRST_SEEN);
    assertThat(info.timeToLive()).isNotNull();
    assertThat(qradar.set("expiring").orElseThrow().timeToLiveSeconds()).isEqualTo(2_592_000L);
    assertThat(sets.list()).extracting(ReferenceSetInfo::name).containsExactly("expiring");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void aNameInUseIsRefused(ReferenceApi api) {
    qradar.createSet("taken", "IP");

    assertThatThrownBy(() -> sets(api).create(NewReferenceSet.of("taken", QradarElementType.IP)))
        .isInstanceOf(ReferenceSetExistsException.class);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void anUnknownSetIsNotFound(ReferenceApi api) {
    ReferenceSets sets = sets(api);

    assertThat(sets.find("nope")).isEmpty();
    assertThatThrownBy(() -> sets.add("nope", List.of("1")))
        .isInstanceOf(ReferenceSetNotFoundException.class);
    assertThatThrownBy(() -> sets.remove("nope", "1"))
        .isInstanceOf(ReferenceSetNotFoundException.class);
    assertThatThrownBy(() -> sets.entries("nope"))
        .isInstanceOf(ReferenceSetNotFoundException.class);
    assertThatThrownBy(() -> sets.purge("nope")).isInstanceOf(ReferenceSetNotFoundException.class);
    assertThatThrownBy(() -> sets.delete("nope")).isInstanceOf(ReferenceSetNotFoundException.class);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void removingAnAbsentValueIsFalse(ReferenceApi api) {
    qradar.createSet("s", "IP");
    qradar.addByHand("s", "192.0.2.1");

    assertThat(sets(api).remove("s", "192.0.2.9")).isFalse();
    assertThat(qradar.values("s")).containsExactly("192.0.2.1");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void removingFromACaseInsensitiveSetIgnoresCase(ReferenceApi api) {
    qradar.createSet("domains", "ALNIC");
    qradar.addByHand("domains", "evil.example");
    qradar.addByHand("domains", "other.example");

    assertThat(sets(api).remove("domains", "EVIL.example")).isTrue();
    assertThat(qradar.values("domains")).containsExactly("other.example");
  }

  @Test
  void injectedFaultsBecomeTypedErrors() {
    ReferenceSets sets = sets(ReferenceApi.LEGACY);
    sets.list();

    qradar.faults().nextRequests(1, Fault.badGatewayHtml());
    assertThatThrownBy(sets::list)
        .isInstanceOf(QradarServerException.class)
        .hasMessageContaining("the answer was not JSON: «<html>");

    qradar.faults().nextRequests(1, Fault.htmlPage());
    assertThatThrownBy(sets::list).isInstanceOf(QradarMalformedResponseException.class);

    qradar.faults().nextRequests(1, Fault.rateLimited(Duration.ofSeconds(7)));
    assertThatThrownBy(sets::list)
        .isInstanceOf(QradarServerException.class)
        .satisfies(
            e ->
                assertThat(((QradarServerException) e).retryAfter())
                    .hasValue(Duration.ofSeconds(7)));

    qradar.faults().nextRequests(3, Fault.dropMidBody());
    assertThatThrownBy(sets::list).isInstanceOf(QradarTransportException.class);
  }

  @Test
  void theTokenTravelsOnlyInTheSecHeader() {
    ReferenceSets sets = sets(ReferenceApi.COLLECTIONS);
    sets.create(NewReferenceSet.of("s", QradarElementType.IP));
    sets.add("s", List.of("192.0.2.1"));

    for (LoggedRequest request : qradar.requests()) {
      assertThat(request.header("SEC")).hasValue(qradar.token());
      assertThat(request.path() + request.query() + request.body()).doesNotContain(qradar.token());
    }
  }
}
