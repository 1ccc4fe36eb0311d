package org.iocsync.testkit;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocketFactory;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A fake MISP server on 127.0.0.1 that answers the REST calls IOC Sync makes, as MISP 2.5 does.
 *
 * <pre>{@code
 * try (FakeMisp misp = FakeMisp.start()) {
 *   long event = misp.addEvent(FakeMisp.event("Phishing wave").tags("tlp:green"));
 *   String uuid = misp.addAttribute(event, "ip-dst", "203.0.113.7");
 *   // point the code under test at misp.url() with misp.apiKey() ...
 *   misp.deleteAttribute(uuid);
 *   misp.faults().onRequest(1, Fault.serverError());
 * }
 * }</pre>
 *
 * <p>Served: {@code GET /servers/getVersion}, {@code GET /attributes/describeTypes} (a real
 * server's answer, 194 types), {@code POST /attributes/restSearch} and {@code GET
 * /events/view/{id}} and {@code POST /events/restSearch} ({@code eventid}, {@code published}, the
 * event's own {@code tags} and {@code timestamp}, {@code order} by {@code Event.id}, {@code page},
 * {@code limit}; without attributes when {@code metadata} is true). Every call needs the key in the
 * {@code Authorization} header (403 JSON otherwise). {@code restSearch} reads {@code type}, {@code
 * eventid}, {@code tags} (a list, {@code !} for NOT, SQL LIKE {@code %} and {@code _}, matched
 * against the attribute's and its event's tags; or an object with {@code OR}, {@code AND}, {@code
 * NOT}), {@code to_ids}, {@code published}, {@code deleted} (0, 1 or [0, 1]), {@code timestamp},
 * {@code attribute_timestamp} and {@code event_timestamp} (Unix time, {@code "7d"}-style spans, or
 * [from, to] inclusive), {@code enforceWarninglist}, {@code includeEventTags}, {@code order}
 * ({@code Attribute.id}, {@code Attribute.timestamp} or {@code Attribute.value}, {@code asc} or
 * {@code desc}; id ascending when absent or unknown), {@code page} (1-based, 0 taken as 1) and
 * {@code limit} (without it, every match is served). The body may be wrapped in {@code {"request":
 * ...}}; without a JSON {@code Content-Type} the filters are ignored and everything is served, as
 * MISP does. Answers carry {@code X-Result-Count} (the attributes in this answer) and, when the
 * server models MISP 2.4.196 or later, {@code X-Skipped-Elements-Count} on every search (the
 * attributes the warninglist removed after the page was cut; 0 when none).
 *
 * <p>Changes made through this object bump timestamps as MISP does: changing an attribute sets its
 * timestamp and its event's to now; changing an event (publishing, tagging) sets the event's. Real
 * MISP also unpublishes an event when its content changes; {@link
 * Builder#unpublishOnChange(boolean)} turns that on.
 *
 * <p>Warninglist matching is exact: a value, or one half of a composite {@code a|b} value, equal to
 * a listed entry. Real warninglists also match CIDR ranges and host name suffixes.
 *
 * <p>All methods are thread safe; answers are streamed, so a million attributes fit in a few tens
 * of megabytes of heap.
 */
public final class FakeMisp implements AutoCloseable {
  private final FakeHttpServer server;
  private final MispStore store;
  private final String apiKey;
  private final String version;
  private final boolean skippedCountHeader;

  private FakeMisp(Builder builder) {
    this.apiKey = builder.apiKey != null ? builder.apiKey : randomKey();
    this.version = builder.version;
    this.skippedCountHeader = builder.skippedCountHeader;
    this.store = new MispStore(builder.clock, builder.unpublishOnChange);
    this.server =
        FakeHttpServer.start(
            builder.address,
            builder.port,
            builder.tls,
            builder.requestLogLimit,
            this::handle,
            (status, request, message) -> MispJson.error(status, message, request.rawPath));
  }

  /** Starts a fake MISP on a free port of 127.0.0.1 with a random key. */
  public static FakeMisp start() {
    return builder().start();
  }

  /** A builder to choose the key, version, port, clock and behaviours. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL, without a trailing slash, such as {@code http://127.0.0.1:50123}. */
  public String url() {
    return server.url();
  }

  /** The port the fake listens on. */
  public int port() {
    return server.port();
  }

  /** The key the fake accepts in the {@code Authorization} header. */
  public String apiKey() {
    return apiKey;
  }

  /** The fault schedule of this fake. */
  public Faults faults() {
    return server.faults();
  }

  /** The most recent requests (up to the builder's log limit), oldest first. */
  public List<LoggedRequest> requests() {
    return server.requests();
  }

  /** Forgets the logged requests; the counters keep counting. */
  public void clearRequests() {
    server.clearRequests();
  }

  /** How many requests the fake received since it started. */
  public int requestCount() {
    return server.requestCount();
  }

  /** How many bytes of response bodies the fake wrote since it started. */
  public long bytesServed() {
    return server.bytesServed();
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  /**
   * A new event with {@code info}, published, without tags: a starting point for {@link
   * #addEvent(EventSpec)}.
   */
  public static EventSpec event(String info) {
    return new EventSpec(info);
  }

  /** A new attribute with MISP's default category and {@code to_ids} for {@code type}. */
  public static AttributeSpec attribute(String type, String value) {
    return new AttributeSpec(type, value);
  }

  /** Adds an event; returns its id. */
  public long addEvent(EventSpec spec) {
    return store.addEvent(
        spec.info,
        spec.published,
        spec.tags,
        spec.date != null
            ? spec.date.toString()
            : LocalDate.ofInstant(Instant.ofEpochSecond(store.now()), ZoneOffset.UTC).toString(),
        spec.threatLevel,
        spec.analysis,
        spec.organisation);
  }

  /** Adds a published event without tags; returns its id. */
  public long addEvent(String info) {
    return addEvent(event(info));
  }

  /**
   * Adds an attribute to event {@code eventId}; returns its UUID. Its timestamp, and its event's,
   * become now (or the spec's timestamp).
   *
   * @throws IllegalArgumentException when the event does not exist, MISP does not know the type or
   *     category, or the UUID is taken
   */
  public String addAttribute(long eventId, AttributeSpec spec) {
    int type = MispTypes.INSTANCE.type(spec.type);
    if (type < 0) {
      throw new IllegalArgumentException(
          "MISP has no attribute type \""
              + spec.type
              + "\"; see describeTypes.json in the testkit");
    }
    int category =
        spec.category == null
            ? MispTypes.INSTANCE.defaultCategory(type)
            : MispTypes.INSTANCE.category(spec.category);
    if (category < 0) {
      throw new IllegalArgumentException("MISP has no category \"" + spec.category + "\"");
    }
    boolean toIds = spec.toIds != null ? spec.toIds : MispTypes.INSTANCE.defaultToIds(type);
    return store.addAttribute(
        eventId(eventId),
        type,
        category,
        spec.value,
        toIds,
        spec.tags,
        spec.comment,
        spec.uuid == null ? null : spec.uuid.toLowerCase(Locale.ROOT),
        spec.timestamp == null ? null : spec.timestamp.getEpochSecond(),
        spec.firstSeen,
        spec.lastSeen);
  }

  /** Adds an attribute with MISP's defaults for {@code type}; returns its UUID. */
  public String addAttribute(long eventId, String type, String value) {
    return addAttribute(eventId, attribute(type, value));
  }

  /**
   * Adds {@code count} generated attributes of varied types (IPv4 and IPv6 addresses, domains, host
   * names, URLs, hashes, e-mail addresses, composites) in published events of a thousand, tagged
   * {@code tlp:white}, {@code tlp:green} or {@code tlp:amber} and {@code type:OSINT}, with
   * timestamps spread over the 30 days before now. The same seed gives the same values; values of
   * one type do not repeat. Seeded values are computed when served, so a million cost about 20 MB.
   */
  public void seed(int count, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    store.seed(count, seed, "OSINT - Seeded indicators");
  }

  /** {@link #seed(int, long)} with seed 1. */
  public void seed(int count) {
    seed(count, 1);
  }

  /**
   * Adds a few hand-made sample events for demos and trials: realistic indicators of many types,
   * values a careful importer must refuse (a malformed URL {@code 107.183.86}, an IP with a leading
   * zero, CIDR ranges, an IPv4-mapped IPv6, a zone id, an upper-case hash, a trailing-dot domain),
   * hostile text (HTML and script), a deleted attribute, one without {@code to_ids}, and an
   * unpublished event.
   */
  public void addSamples() {
    SampleData.addTo(this);
  }

  /** Soft-deletes the attribute, as MISP does: it stays, flagged {@code deleted}. */
  public void deleteAttribute(String uuid) {
    store.setDeleted(uuid, true);
  }

  /** Undoes {@link #deleteAttribute(String)}. */
  public void restoreAttribute(String uuid) {
    store.setDeleted(uuid, false);
  }

  /** Changes the attribute's value. */
  public void editValue(String uuid, String value) {
    store.setValue(uuid, value);
  }

  /** Changes the attribute's {@code to_ids} flag. */
  public void setToIds(String uuid, boolean toIds) {
    store.setToIds(uuid, toIds);
  }

  /** Adds a tag to the attribute. */
  public void tagAttribute(String uuid, String tag) {
    store.tagAttribute(uuid, tag, true);
  }

  /** Removes a tag from the attribute. */
  public void untagAttribute(String uuid, String tag) {
    store.tagAttribute(uuid, tag, false);
  }

  /** Publishes the event; its publish timestamp and timestamp become now. */
  public void publish(long eventId) {
    store.setPublished(eventId(eventId), true);
  }

  /** Unpublishes the event; its timestamp becomes now. */
  public void unpublish(long eventId) {
    store.setPublished(eventId(eventId), false);
  }

  /** Adds a tag to the event. */
  public void tagEvent(long eventId, String tag) {
    store.tagEvent(eventId(eventId), tag, true);
  }

  /** Removes a tag from the event. */
  public void untagEvent(long eventId, String tag) {
    store.tagEvent(eventId(eventId), tag, false);
  }

  /**
   * Deletes the event and its attributes for good, as MISP does: no attribute says {@code deleted},
   * they are simply gone, which only a full comparison notices.
   */
  public void deleteEvent(long eventId) {
    store.deleteEvent(eventId(eventId));
  }

  /** Adds values to the warninglist that {@code enforceWarninglist} applies. */
  public void warninglist(String... values) {
    store.addToWarninglist(Arrays.asList(values));
  }

  /** Empties the warninglist. */
  public void clearWarninglist() {
    store.clearWarninglist();
  }

  /** The attribute with {@code uuid}, deleted or not; empty when there is none. */
  public Optional<Attribute> attribute(String uuid) {
    MispStore.AttributeRow row = store.attribute(uuid.toLowerCase(Locale.ROOT));
    return row == null ? Optional.empty() : Optional.of(Attribute.of(row));
  }

  /** The attributes of an event, deleted ones included, in id order. */
  public List<Attribute> attributes(long eventId) {
    int[] positions = store.positionsOfEvent(eventId(eventId), true);
    List<Attribute> out = new ArrayList<>(positions.length);
    for (MispStore.AttributeRow row : store.rows(positions, 0, positions.length, false)) {
      out.add(Attribute.of(row));
    }
    return out;
  }

  /** The event with {@code eventId}; empty when there is none or it was deleted. */
  public Optional<Event> event(long eventId) {
    if (eventId < 1 || eventId > Integer.MAX_VALUE) {
      return Optional.empty();
    }
    MispStore.EventRow row = store.event((int) eventId);
    return row == null ? Optional.empty() : Optional.of(Event.of(row));
  }

  /** How many attributes exist, soft-deleted ones included. */
  public int attributeCount() {
    return store.attributeCount();
  }

  /** Stops the server; later requests are refused. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "FakeMisp[" + url() + "]";
  }

  private static int eventId(long eventId) {
    if (eventId < 1 || eventId > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("No event has id " + eventId);
    }
    return (int) eventId;
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private Reply handle(IncomingRequest request) {
    String path =
        request.rawPath.endsWith(".json")
            ? request.rawPath.substring(0, request.rawPath.length() - 5)
            : request.rawPath;
    if (!apiKey.equals(request.header("Authorization"))) {
      return MispJson.error(
          403,
          "Authentication failed. Please make sure you pass the API key of an API enabled user"
              + " along in the Authorization header.",
          path);
    }

    if (path.equals("/servers/getVersion")) {
      return onlyGet(request, path, this::version);
    }
    if (path.equals("/attributes/describeTypes")) {
      return onlyGet(
          request, path, () -> Reply.bytes(200, Reply.JSON, MispTypes.INSTANCE.describeTypesJson));
    }
    if (path.equals("/attributes/restSearch")) {
      if (!request.method.equals("POST")) {
        return MispJson.error(405, "Method Not Allowed", path);
      }
      return restSearch(request, path);
    }
    if (path.equals("/events/restSearch")) {
      if (!request.method.equals("POST")) {
        return MispJson.error(405, "Method Not Allowed", path);
      }
      return searchEvents(request, path);
    }
    if (path.startsWith("/events/view/")) {
      String id = path.substring("/events/view/".length());
      return onlyGet(request, path, () -> viewEvent(id, path));
    }
    return MispJson.error(404, "Not Found", path);
  }

  private interface Answer {
    Reply get();
  }

  private static Reply onlyGet(IncomingRequest request, String path, Answer answer) {
    return request.method.equals("GET")
        ? answer.get()
        : MispJson.error(405, "Method Not Allowed", path);
  }

  private Reply version() {
    return Reply.json(
        200,
        writer -> {
          writer.beginObject();
          writer.name("version").value(version);
          writer.name("pymisp_recommended_version").value(version);
          writer.name("perm_sync").value(false);
          writer.name("perm_sighting").value(false);
          writer.name("perm_galaxy_editor").value(false);
          writer.name("request_encoding").beginArray().value("gzip").value("br").endArray();
          writer.name("filter_sightings").value(true);
          writer.endObject();
        });
  }

  /** A search body as MISP reads it: the filters, or the answer MISP gives instead. */
  private record Search(@Nullable Map<?, ?> filters, @Nullable Reply refusal) {}

  /**
   * Reads a search body. Without a JSON content type MISP does not read the body at all: no
   * filters, no paging (null filters, no refusal).
   */
  private static Search readSearch(IncomingRequest request, String path) {
    String contentType = request.header("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("application/json")) {
      return new Search(null, null);
    }
    if (request.body.size() == 0) {
      return new Search(
          null,
          MispJson.error(
              400,
              "Either specify the search terms in the url, or POST a json with the filter"
                  + " parameters.",
              path));
    }
    Object body;
    try (JsonReader reader = JsonReader.of(new Buffer().write(request.body))) {
      body = reader.readJsonValue();
    } catch (IOException | JsonDataException e) {
      body = null;
    }
    if (!(body instanceof Map<?, ?> filters)) {
      return new Search(
          null,
          MispJson.error(
              400,
              "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON"
                  + " string. This request has been blocked to avoid an unfiltered request.",
              path));
    }
    Object wrapped = filters.get("request");
    Map<?, ?> unwrapped = wrapped instanceof Map<?, ?> inner ? inner : filters;
    Object format = unwrapped.get("returnFormat");
    if (format != null && !"json".equals(format)) {
      return new Search(null, MispJson.error(404, "Invalid output format.", path));
    }
    return new Search(unwrapped, null);
  }

  private Reply restSearch(IncomingRequest request, String path) {
    Search search = readSearch(request, path);
    if (search.refusal() != null) {
      return search.refusal();
    }
    Map<?, ?> filters = search.filters();
    MispQuery query =
        filters == null ? MispQuery.everything() : MispQuery.parse(filters, store.now());

    MispStore.Page page = store.search(query);
    int[] positions = page.positions();
    boolean includeEventTags = query.includeEventTags;
    Reply reply =
        Reply.streamedJson(
            200,
            writer -> {
              writer.beginObject().name("response").beginObject().name("Attribute").beginArray();
              for (int from = 0; from < positions.length; from += 256) {
                int to = Math.min(positions.length, from + 256);
                for (MispStore.AttributeRow row :
                    store.rows(positions, from, to, includeEventTags)) {
                  MispJson.attribute(writer, row, true);
                }
              }
              writer.endArray().endObject().endObject();
            });
    reply.header("X-Result-Count", Integer.toString(positions.length));
    if (skippedCountHeader) {
      reply.header("X-Skipped-Elements-Count", Integer.toString(page.skipped()));
    }
    return reply;
  }

  /**
   * Answers {@code events/restSearch}: {@code eventid}, {@code published}, {@code tags} (the
   * event's own), {@code timestamp} and {@code event_timestamp} (the event's), {@code order}
   * ({@code Event.id asc} or {@code desc}), {@code page} and {@code limit}; with {@code metadata}
   * the events come without their attributes.
   */
  private Reply searchEvents(IncomingRequest request, String path) {
    Search search = readSearch(request, path);
    if (search.refusal() != null) {
      return search.refusal();
    }
    Map<?, ?> filters = search.filters();
    MispQuery query =
        filters == null ? MispQuery.everything() : MispQuery.parse(filters, store.now());
    Object metadata = filters == null ? null : filters.get("metadata");
    boolean withAttributes = metadata == null || !Boolean.TRUE.equals(MispQuery.flag(metadata));

    List<MispStore.EventRow> events = store.searchEvents(query);
    return Reply.streamedJson(
            200,
            writer -> {
              writer.beginObject().name("response").beginArray();
              for (MispStore.EventRow event : events) {
                writer.beginObject().name("Event");
                event(writer, event, withAttributes);
                writer.endObject();
              }
              writer.endArray().endObject();
            })
        .header("X-Result-Count", Integer.toString(events.size()));
  }

  private Reply viewEvent(String id, String path) {
    MispStore.EventRow event = id.matches("\\d{1,9}") ? store.event(Integer.parseInt(id)) : null;
    if (event == null) {
      return MispJson.error(404, "Invalid event", path);
    }
    return Reply.streamedJson(
        200,
        writer -> {
          writer.beginObject().name("Event");
          event(writer, event, true);
          writer.endObject();
        });
  }

  /** Writes an event, with its live attributes or without (as {@code metadata} asks). */
  private void event(JsonWriter writer, MispStore.EventRow event, boolean withAttributes)
      throws IOException {
    writer.beginObject();
    MispJson.eventHead(writer, event);
    if (withAttributes) {
      int[] positions = store.positionsOfEvent(event.id(), false);
      writer.name("Attribute").beginArray();
      for (int from = 0; from < positions.length; from += 256) {
        int to = Math.min(positions.length, from + 256);
        for (MispStore.AttributeRow row : store.rows(positions, from, to, false)) {
          MispJson.attribute(writer, row, false);
        }
      }
      writer.endArray();
      MispJson.eventTail(writer, event);
    } else {
      MispJson.tags(writer, event.tags());
    }
    writer.endObject();
  }

  private static String randomKey() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    char[] key = new char[40];
    for (int i = 0; i < key.length; i++) {
      key[i] = alphabet.charAt(random.nextInt(alphabet.length()));
    }
    return new String(key);
  }

  // ---------------------------------------------------------------------------------------------
  // Public types

  /** Settings of a fake MISP; every one has a default. */
  public static final class Builder {
    private @Nullable String apiKey;
    private String version = "2.5.1";
    private boolean skippedCountHeader = true;
    private boolean unpublishOnChange;
    private InstantSource clock = InstantSource.system();
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private @Nullable SSLSocketFactory tls;
    private int requestLogLimit = 1000;

    private Builder() {}

    /** The key to accept; a random 40-character key by default. */
    public Builder apiKey(String apiKey) {
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /** The version {@code getVersion} reports; {@code 2.5.1} by default. */
    public Builder version(String version) {
      this.version = version;
      return this;
    }

    /**
     * Whether {@code restSearch} sends {@code X-Skipped-Elements-Count}, as MISP 2.4.196 and later
     * do; true by default. Turn it off to act as an older server, whose only safe end of paging is
     * an empty page.
     */
    public Builder skippedCountHeader(boolean send) {
      this.skippedCountHeader = send;
      return this;
    }

    /**
     * Whether changing an attribute or tagging an event also unpublishes the event, as MISP's own
     * editing does; false by default.
     */
    public Builder unpublishOnChange(boolean unpublish) {
      this.unpublishOnChange = unpublish;
      return this;
    }

    /**
     * The clock that stamps changes and resolves {@code "7d"}-style filters; the system clock by
     * default. A test that sets its own clock gets deterministic incremental windows.
     */
    public Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    /** The port to listen on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to listen on; the loopback address by default. */
    public Builder bindAddress(InetAddress address) {
      this.address = address;
      return this;
    }

    /** Serves HTTPS with this socket factory (for example from okhttp-tls) instead of HTTP. */
    public Builder https(SSLSocketFactory socketFactory) {
      this.tls = socketFactory;
      return this;
    }

    /**
     * How many requests {@link FakeMisp#requests()} keeps, with up to 64 KiB of body each; 1000 by
     * default, 0 keeps none (for benchmarks).
     */
    public Builder requestLogLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("requestLogLimit must not be negative, was " + limit);
      }
      this.requestLogLimit = limit;
      return this;
    }

    /** Starts the fake. */
    public FakeMisp start() {
      return new FakeMisp(this);
    }
  }

  /** What {@link #addEvent(EventSpec)} creates; unset fields take MISP's defaults. */
  public static final class EventSpec {
    private final String info;
    private boolean published = true;
    private List<String> tags = List.of();
    private @Nullable LocalDate date;
    private int threatLevel = 2;
    private int analysis = 2;
    private String organisation = "Fake Org";

    private EventSpec(String info) {
      this.info = info;
    }

    /** Whether the event is published; true by default. */
    public EventSpec published(boolean published) {
      this.published = published;
      return this;
    }

    /** The event's tags. */
    public EventSpec tags(String... tags) {
      this.tags = List.of(tags);
      return this;
    }

    /** The event's date; today by default. */
    public EventSpec date(LocalDate date) {
      this.date = date;
      return this;
    }

    /** The threat level: 1 high, 2 medium (the default), 3 low, 4 undefined. */
    public EventSpec threatLevel(int threatLevel) {
      if (threatLevel < 1 || threatLevel > 4) {
        throw new IllegalArgumentException("threatLevel must be from 1 to 4, was " + threatLevel);
      }
      this.threatLevel = threatLevel;
      return this;
    }

    /** The analysis state: 0 initial, 1 ongoing, 2 complete (the default). */
    public EventSpec analysis(int analysis) {
      if (analysis < 0 || analysis > 2) {
        throw new IllegalArgumentException("analysis must be from 0 to 2, was " + analysis);
      }
      this.analysis = analysis;
      return this;
    }

    /** The name of the creating organisation. */
    public EventSpec organisation(String organisation) {
      this.organisation = organisation;
      return this;
    }
  }

  /** What {@link #addAttribute(long, AttributeSpec)} creates; unset fields take MISP's defaults. */
  public static final class AttributeSpec {
    private final String type;
    private final String value;
    private @Nullable Boolean toIds;
    private @Nullable String category;
    private String comment = "";
    private List<String> tags = List.of();
    private @Nullable String uuid;
    private @Nullable Instant timestamp;
    private @Nullable String firstSeen;
    private @Nullable String lastSeen;

    private AttributeSpec(String type, String value) {
      this.type = type;
      this.value = value;
    }

    /** The {@code to_ids} flag; MISP's default for the type when unset. */
    public AttributeSpec toIds(boolean toIds) {
      this.toIds = toIds;
      return this;
    }

    /** The category; MISP's default for the type when unset. */
    public AttributeSpec category(String category) {
      this.category = category;
      return this;
    }

    /** The comment; empty by default. */
    public AttributeSpec comment(String comment) {
      this.comment = comment;
      return this;
    }

    /** The attribute's own tags. */
    public AttributeSpec tags(String... tags) {
      this.tags = List.of(tags);
      return this;
    }

    /** The UUID; a generated one by default. */
    public AttributeSpec uuid(String uuid) {
      if (!uuid.matches(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
        throw new IllegalArgumentException("uuid must look like a UUID, was " + uuid);
      }
      this.uuid = uuid;
      return this;
    }

    /** The timestamp; now by default. */
    public AttributeSpec timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    /** {@code first_seen} as MISP writes it, e.g. {@code 2024-05-01T10:00:00.000000+00:00}. */
    public AttributeSpec firstSeen(String firstSeen) {
      this.firstSeen = firstSeen;
      return this;
    }

    /** {@code last_seen} as MISP writes it, e.g. {@code 2024-05-02T10:00:00.000000+00:00}. */
    public AttributeSpec lastSeen(String lastSeen) {
      this.lastSeen = lastSeen;
      return this;
    }
  }

  /**
   * An attribute as the fake holds it.
   *
   * @param tags the attribute's own tags, without its event's
   */
  public record Attribute(
      long id,
      long eventId,
      String uuid,
      String type,
      String category,
      String value,
      boolean toIds,
      boolean deleted,
      Instant timestamp,
      List<String> tags) {

    /** Copies the tag list. */
    public Attribute {
      tags = List.copyOf(tags);
    }

    static Attribute of(MispStore.AttributeRow row) {
      List<String> tags = new ArrayList<>(row.tags().size());
      for (MispStore.TagRow tag : row.tags()) {
        tags.add(tag.name());
      }
      return new Attribute(
          row.id(),
          row.eventId(),
          row.uuid(),
          row.type(),
          row.category(),
          row.value(),
          row.toIds(),
          row.deleted(),
          Instant.ofEpochSecond(row.timestamp()),
          tags);
    }
  }

  /** An event as the fake holds it. */
  public record Event(
      long id,
      String uuid,
      String info,
      boolean published,
      Instant timestamp,
      List<String> tags,
      int attributeCount) {

    /** Copies the tag list. */
    public Event {
      tags = List.copyOf(tags);
    }

    static Event of(MispStore.EventRow row) {
      List<String> tags = new ArrayList<>(row.tags().size());
      for (MispStore.TagRow tag : row.tags()) {
        tags.add(tag.name());
      }
      return new Event(
          row.id(),
          row.uuid(),
          row.info(),
          row.published(),
          Instant.ofEpochSecond(row.timestamp()),
          tags,
          row.attributeCount());
    }
  }
}
