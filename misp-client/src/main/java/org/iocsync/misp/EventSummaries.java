package org.iocsync.misp;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.Buffer;
import okio.ByteString;

/**
 * Looks up the metadata of events by id through {@code events/restSearch}, a bounded number of ids
 * a request. Each request asks for exactly its ids, with {@code metadata} (no attributes, no
 * objects) and a {@code limit} of as many events as it names, so that an answer holding more
 * events, or others, than asked for is a server that ignored the filters rather than a read without
 * end.
 */
final class EventSummaries {
  /** The most event ids one request names; more are split over several requests. */
  static final int IDS_PER_REQUEST = 500;

  private static final MediaType JSON = MediaType.get("application/json");

  private final MispService service;
  private final MispCalls calls;

  EventSummaries(MispService service, MispCalls calls) {
    this.service = service;
    this.calls = calls;
  }

  List<MispEventSummary> lookUp(Collection<Long> eventIds) {
    SortedSet<Long> ids = new TreeSet<>();
    for (Long eventId : eventIds) {
      if (eventId == null || eventId < 1) {
        throw new IllegalArgumentException("eventIds holds " + eventId + ", not a MISP event id");
      }
      ids.add(eventId);
    }
    List<MispEventSummary> summaries = new ArrayList<>();
    List<Long> chunk = new ArrayList<>(Math.min(ids.size(), IDS_PER_REQUEST));
    for (long id : ids) {
      chunk.add(id);
      if (chunk.size() == IDS_PER_REQUEST) {
        summaries.addAll(request(chunk));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      summaries.addAll(request(chunk));
    }
    return summaries;
  }

  private List<MispEventSummary> request(List<Long> ids) {
    RequestBody body = RequestBody.create(requestBody(ids), JSON);
    return calls.execute(
        service.searchEvents(body), (reader, headers) -> readAnswer(reader, new TreeSet<>(ids)));
  }

  /** The filters of one request, in the order they are documented. */
  static ByteString requestBody(List<Long> ids) {
    Buffer buffer = new Buffer();
    try (JsonWriter json = JsonWriter.of(buffer)) {
      json.beginObject();
      json.name("returnFormat").value("json");
      json.name("eventid").beginArray();
      for (long id : ids) {
        json.value(id);
      }
      json.endArray();
      json.name("metadata").value(true);
      json.name("sgReferenceOnly").value(true);
      json.name("page").value(1);
      json.name("limit").value(ids.size());
      json.name("order").value("Event.id asc");
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Writing to a memory buffer failed", e);
    }
    return buffer.readByteString();
  }

  /**
   * Reads {@code {"response": [{"Event": {...}}, ...]}} into the summaries of the events asked for,
   * in ascending id order.
   */
  private static List<MispEventSummary> readAnswer(JsonReader reader, SortedSet<Long> asked)
      throws IOException {
    Map<Long, MispEventSummary> found = null;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("response")) {
        found = readResponse(reader, asked);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    if (found == null) {
      throw new MalformedJson("$.response", "missing");
    }
    return new ArrayList<>(found.values());
  }

  private static Map<Long, MispEventSummary> readResponse(JsonReader reader, SortedSet<Long> asked)
      throws IOException {
    Map<Long, MispEventSummary> found = new TreeMap<>();
    int index = 0;
    reader.beginArray();
    while (reader.hasNext()) {
      if (index == asked.size()) {
        throw new MalformedJson(
            "$.response[" + index + "]",
            "more events than the "
                + asked.size()
                + " asked for (the server ignores the eventid filter; a proxy that drops the"
                + " Content-Type header causes this)");
      }
      MispEventSummary event = MispJson.searchedEvent(reader);
      if (!asked.contains(event.id())) {
        throw new MalformedJson(
            "$.response[" + index + "].Event.id",
            "event "
                + event.id()
                + ", which was not asked for (the server ignores the eventid"
                + " filter)");
      }
      found.put(event.id(), event);
      index++;
    }
    reader.endArray();
    return found;
  }
}
