package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeQueryTest {
  private static final String PAGING =
      "{\"returnFormat\":\"json\",\"page\":3,\"limit\":1000,\"order\":\"Attribute.id asc\"";

  @Test
  void anEmptyQuerySendsOnlyPagingFields() {
    assertThat(body(AttributeQuery.all())).isEqualTo(PAGING + "}");
  }

  @Test
  void sendsTypesAsAList() {
    assertThat(body(AttributeQuery.builder().types("ip-src", "domain|ip").build()))
        .isEqualTo(PAGING + ",\"type\":[\"ip-src\",\"domain|ip\"]}");
  }

  @Test
  void sendsEventIdsAsAListOfNumbers() {
    assertThat(body(AttributeQuery.builder().eventIds(7).build()))
        .isEqualTo(PAGING + ",\"eventid\":[7]}");
  }

  @Test
  void sendsIncludedAndExcludedTagsInOneList() {
    assertThat(body(AttributeQuery.builder().excludeTags("tlp:red").tags("tlp:%").build()))
        .isEqualTo(PAGING + ",\"tags\":[\"tlp:%\",\"!tlp:red\"]}");
    assertThat(body(AttributeQuery.builder().excludeTags("tlp:red", "private").build()))
        .isEqualTo(PAGING + ",\"tags\":[\"!tlp:red\",\"!private\"]}");
  }

  @Test
  void sendsToIdsAndPublishedAsZeroOrOne() {
    assertThat(body(AttributeQuery.builder().toIds(true).published(true).build()))
        .isEqualTo(PAGING + ",\"to_ids\":1,\"published\":1}");
    assertThat(body(AttributeQuery.builder().toIds(false).published(false).build()))
        .isEqualTo(PAGING + ",\"to_ids\":0,\"published\":0}");
  }

  @Test
  void sendsEachDeletedChoiceAsMispExpects() {
    assertThat(body(AttributeQuery.builder().deleted(AttributeQuery.Deleted.EXCLUDE).build()))
        .isEqualTo(PAGING + ",\"deleted\":0}");
    assertThat(body(AttributeQuery.builder().deleted(AttributeQuery.Deleted.INCLUDE).build()))
        .isEqualTo(PAGING + ",\"deleted\":[0,1]}");
    assertThat(body(AttributeQuery.builder().deleted(AttributeQuery.Deleted.ONLY).build()))
        .isEqualTo(PAGING + ",\"deleted\":1}");
  }

  @Test
  void sendsTimeWindowsAsUnixSecondsCuttingSubSecondParts() {
    AttributeQuery query =
        AttributeQuery.builder()
            .attributeTimestamp(
                Instant.parse("2020-09-13T12:26:40.999Z"), Instant.parse("2020-09-13T12:26:41.5Z"))
            .eventTimestamp(Instant.ofEpochSecond(0), Instant.ofEpochSecond(0))
            .build();

    assertThat(body(query))
        .isEqualTo(
            PAGING + ",\"attribute_timestamp\":[1600000000,1600000001],\"event_timestamp\":[0,0]}");
  }

  @Test
  void sendsWarninglistAndEventTagFlagsAsBooleans() {
    assertThat(
            body(AttributeQuery.builder().enforceWarninglist(true).includeEventTags(true).build()))
        .isEqualTo(PAGING + ",\"enforceWarninglist\":true,\"includeEventTags\":true}");
    assertThat(
            body(
                AttributeQuery.builder().enforceWarninglist(false).includeEventTags(false).build()))
        .isEqualTo(PAGING + ",\"enforceWarninglist\":false,\"includeEventTags\":false}");
  }

  @Test
  void aFilterSetBackToNullOrEmptyIsAbsentAgain() {
    AttributeQuery query =
        AttributeQuery.builder()
            .types("md5")
            .eventIds(1)
            .tags("a")
            .excludeTags("b")
            .toIds(true)
            .published(true)
            .deleted(AttributeQuery.Deleted.ONLY)
            .attributeTimestamp(Instant.EPOCH, Instant.EPOCH)
            .eventTimestamp(Instant.EPOCH, Instant.EPOCH)
            .enforceWarninglist(true)
            .includeEventTags(true)
            .build()
            .toBuilder()
            .types(List.of())
            .eventIds(List.of())
            .tags(List.of())
            .excludeTags(List.of())
            .toIds(null)
            .published(null)
            .deleted(null)
            .attributeTimestamp(null)
            .eventTimestamp(null)
            .enforceWarninglist(null)
            .includeEventTags(null)
            .build();

    assertThat(body(query)).isEqualTo(PAGING + "}");
    assertThat(query).isEqualTo(AttributeQuery.all()).hasSameHashCodeAs(AttributeQuery.all());
  }

  @Test
  void sendsThePageSizeAsLimit() {
    assertThat(AttributeQuery.builder().pageSize(100).build().requestBody(1).utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"page\":1,\"limit\":100,\"order\":\"Attribute.id asc\"}");
  }

  @Test
  void aProbeAsksForOneAttributeAtAPositionWithoutTheWarninglist() {
    AttributeQuery query =
        AttributeQuery.builder().types("md5").enforceWarninglist(true).pageSize(100).build();

    assertThat(query.probeBody(200).utf8())
        .isEqualTo(
            "{\"returnFormat\":\"json\",\"page\":201,\"limit\":1,"
                + "\"order\":\"Attribute.id asc\",\"type\":[\"md5\"]}");
  }

  @Test
  void boundsThePageSize() {
    assertThat(AttributeQuery.all().pageSize()).isEqualTo(1000);
    assertThat(AttributeQuery.builder().pageSize(1).build().pageSize()).isEqualTo(1);
    assertThat(AttributeQuery.builder().pageSize(50_000).build().pageSize()).isEqualTo(50_000);
    assertThatThrownBy(() -> AttributeQuery.builder().pageSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize 0 is not within 1..50000");
    assertThatThrownBy(() -> AttributeQuery.builder().pageSize(50_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize 50001 is not within 1..50000");
  }

  @Test
  void rejectsBlankNames() {
    assertThatThrownBy(() -> AttributeQuery.builder().types("md5", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("types holds a blank name");
    assertThatThrownBy(() -> AttributeQuery.builder().tags(Arrays.asList("a", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tags holds a blank name");
  }

  @Test
  void rejectsANegatedTagAndPointsAtExcludeTags() {
    assertThatThrownBy(() -> AttributeQuery.builder().tags("!tlp:red"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tags holds \"!tlp:red\": a leading ! would negate it; use excludeTags to leave a tag"
                + " out");
    assertThatThrownBy(() -> AttributeQuery.builder().excludeTags("!tlp:red"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("excludeTags holds \"!tlp:red\"");
  }

  @Test
  void rejectsEventIdsThatAreNotPositive() {
    assertThatThrownBy(() -> AttributeQuery.builder().eventIds(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("eventIds holds 0, not a MISP event id");
  }

  @Test
  void rejectsAWindowThatEndsBeforeItStartsOrStartsBefore1970() {
    assertThatThrownBy(
            () ->
                AttributeQuery.builder()
                    .attributeTimestamp(Instant.ofEpochSecond(10), Instant.ofEpochSecond(9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window end 1970-01-01T00:00:09Z is before its start 1970-01-01T00:00:10Z");
    assertThatThrownBy(
            () -> AttributeQuery.builder().eventTimestamp(Instant.ofEpochSecond(-1), Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window start 1969-12-31T23:59:59Z is before 1970");
  }

  @Test
  void accessorsReturnWhatWasSet() {
    AttributeQuery query =
        AttributeQuery.builder()
            .types("md5")
            .eventIds(4)
            .tags("a")
            .excludeTags("b")
            .toIds(true)
            .published(false)
            .deleted(AttributeQuery.Deleted.INCLUDE)
            .attributeTimestamp(Instant.ofEpochSecond(1), Instant.ofEpochSecond(2))
            .enforceWarninglist(true)
            .pageSize(10)
            .build();

    assertThat(query.types()).containsExactly("md5");
    assertThat(query.eventIds()).containsExactly(4L);
    assertThat(query.tags()).containsExactly("a");
    assertThat(query.excludeTags()).containsExactly("b");
    assertThat(query.toIds()).isTrue();
    assertThat(query.published()).isFalse();
    assertThat(query.deleted()).isEqualTo(AttributeQuery.Deleted.INCLUDE);
    assertThat(query.attributeTimestamp())
        .isEqualTo(new AttributeQuery.Window(Instant.ofEpochSecond(1), Instant.ofEpochSecond(2)));
    assertThat(query.eventTimestamp()).isNull();
    assertThat(query.enforceWarninglist()).isTrue();
    assertThat(query.includeEventTags()).isNull();
    assertThat(query.pageSize()).isEqualTo(10);
    assertThat(query.toBuilder().build()).isEqualTo(query);
    assertThat(query.toString()).startsWith("AttributeQuery{\"returnFormat\":\"json\",\"page\":1");
  }

  private static String body(AttributeQuery query) {
    return query.requestBody(3).utf8();
  }
}
