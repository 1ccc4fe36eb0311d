package org.iocsync.misp;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.iocsync.http.HttpSettings;
import org.jspecify.annotations.Nullable;
import retrofit2.Retrofit;

/**
 * A client for one MISP server's REST API: its version, its attribute types, single events, the
 * metadata of many events, and attribute searches streamed page by page.
 *
 * <pre>{@code
 * MispClient misp = MispClient.builder()
 *     .baseUrl("misp.example.org")               // https:// is assumed
 *     .apiKey(System.getenv("MISP_KEY"))
 *     .http(HttpSettings.builder().trustPem(Path.of("ca.pem")).build())
 *     .build();
 *
 * AttributeQuery query = AttributeQuery.builder()
 *     .types("ip-src", "ip-dst")
 *     .toIds(true)
 *     .published(true)
 *     .excludeTags("tlp:red")
 *     .build();
 * try (Stream<MispAttribute> attributes = misp.searchAttributes(query)) {
 *   attributes.forEach(attribute -> System.out.println(attribute.value()));
 * }
 * }</pre>
 *
 * <p>Every call sends the key as MISP wants it (the bare {@code Authorization} header) with {@code
 * Accept} and {@code Content-Type: application/json}. TLS is verified unless the {@link
 * HttpSettings} say otherwise. Redirects are not followed: a redirected search would reach MISP
 * without its filters.
 *
 * <p>Failures are unchecked {@link MispException}s; the subclass says who must act and each message
 * names the server and what to check. The key never appears in a message, a {@code toString()} or a
 * logged line. This client never retries, and every call it makes only reads, so each is safe to
 * repeat. It is thread-safe; streams it returns are not.
 *
 * <h2>What a search guarantees</h2>
 *
 * Pages are requested in ascending {@code Attribute.id} order, and the stream yields each attribute
 * at most once, in that order. Data that does not change during the read is read completely,
 * however short or empty MISP's warninglist filtering makes some pages (see {@link AttributeQuery}
 * for the one extra request this costs on servers before 2.4.196). A server that breaks paging (a
 * page over the limit, ids out of order, a page repeated) fails the read with a {@link
 * MispMalformedResponseException} rather than making it endless. When attributes change during the
 * read, MISP's pages shift: an attribute that enters the result set below the current position
 * moves the later ones up a place (the client drops the repeat), and one that leaves it (deleted,
 * unpublished, retagged, {@code to_ids} turned off, or edited out of a time window) moves them down
 * a place, so an unchanged attribute at a page boundary can be missed by this read. New attributes
 * get higher ids and are seen when the read has not passed them yet. A caller that must not miss
 * anything repeats the read later, as the sync engine's full runs do.
 */
public final class MispClient {
  /**
   * The longest JSON text accepted for one value (a string, a name or a number) of an answer: 1
   * MiB, checked to within 8 KiB, whether the client uses the field or skips it. A longer one is a
   * {@link MispMalformedResponseException} rather than a memory exhaustion.
   */
  public static final long MAX_VALUE_BYTES = 1024 * 1024;

  /**
   * The longest successful answer read: 128 MiB. A longer one (a server that answers without end,
   * or a page of a size no page of 50,000 ordinary attributes reaches) is a {@link
   * MispMalformedResponseException} once that much has been read. Error answers are read up to 64
   * KiB.
   */
  public static final long MAX_ANSWER_BYTES = 128L * 1024 * 1024;

  private static final Pattern EVENT_ID =
      Pattern.compile("[0-9]{1,19}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

  private final HttpUrl baseUrl;
  private final MispService service;
  private final MispCalls calls;
  private final EventSummaries eventSummaries;

  private MispClient(HttpUrl baseUrl, String apiKey, HttpSettings http) {
    OkHttpClient client =
        http.newClient(Set.of("Authorization"))
            .newBuilder()
            .followRedirects(false)
            .followSslRedirects(false)
            .addInterceptor(new MispHeaders(apiKey))
            .addInterceptor(new BoundedErrorBody())
            .build();
    this.baseUrl = baseUrl;
    this.service =
        new Retrofit.Builder()
            .baseUrl(baseUrl)
            .client(client)
            .validateEagerly(true)
            .build()
            .create(MispService.class);
    this.calls = new MispCalls(baseUrl.toString(), apiKey, MAX_VALUE_BYTES, MAX_ANSWER_BYTES);
    this.eventSummaries = new EventSummaries(service, calls);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The server's base URL, always ending with {@code /}. */
  public String baseUrl() {
    return baseUrl.toString();
  }

  /**
   * Returns the server's version ({@code GET /servers/getVersion}). The cheapest call that proves
   * the URL, the TLS settings and the key: use it to test a connection.
   *
   * @throws MispException if the call fails; see the subclasses
   */
  public MispVersion version() {
    return calls.execute(service.version(), (reader, headers) -> MispJson.version(reader));
  }

  /**
   * Returns the attribute types and categories the server knows ({@code GET
   * /attributes/describeTypes}).
   *
   * @throws MispException if the call fails; see the subclasses
   */
  public MispTypes describeTypes() {
    return calls.execute(service.describeTypes(), (reader, headers) -> MispJson.types(reader));
  }

  /**
   * Returns one event with all its attributes ({@code GET /events/view/{id}}). The whole event is
   * held in memory: to go through a very large event, search with {@link
   * AttributeQuery.Builder#eventIds(long...)} instead.
   *
   * @param id the event's numeric id or its UUID
   * @throws IllegalArgumentException if {@code id} is neither a number nor a UUID
   * @throws MispNotFoundException if there is no such event, or the key may not see it
   * @throws MispException if the call fails otherwise; see the subclasses
   */
  public MispEvent event(String id) {
    if (!EVENT_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "event id \""
              + (id.length() > 40 ? id.substring(0, 40) + "…" : id)
              + "\" is neither a number nor a UUID");
    }
    return calls.execute(service.event(id), (reader, headers) -> MispJson.eventView(reader));
  }

  /**
   * Returns the metadata of these events ({@code POST /events/restSearch} with {@code metadata}):
   * id, UUID, title, owning organisation, whether each is published and when it last changed, in
   * ascending id order. It answers what an attribute search leaves out: MISP's attribute search
   * sends only the id, title, UUID and organisations of each attribute's event.
   *
   * <p>Events that do not exist, or that the key may not see, are absent from the result. Repeated
   * ids are asked for once. Each request names at most 500 events and reads at most as many; more
   * ids are split over several requests, one after the other. An empty collection sends nothing.
   *
   * @param eventIds the events' numeric ids
   * @throws IllegalArgumentException if an id is null or below 1, before anything is sent
   * @throws MispMalformedResponseException if an event of the answer lacks {@code published} or
   *     {@code timestamp}, or the answer holds events not asked for (a server that ignored the
   *     filters)
   * @throws MispException if the call fails otherwise; see the subclasses
   */
  public List<MispEventSummary> eventSummaries(Collection<Long> eventIds) {
    return eventSummaries.lookUp(eventIds);
  }

  /**
   * Searches attributes ({@code POST /attributes/restSearch}) and streams the result. Nothing is
   * requested until the stream is used; then one page is fetched at a time, when the previous one
   * has been consumed, so memory holds one page whatever the total. No response stays open between
   * pages; close the stream (try-with-resources) to stop a walk early, also from another thread,
   * where a page being fetched is cancelled. See the class documentation for what a search
   * guarantees when the data changes during the read.
   *
   * <p>The stream throws a {@link MispException} from the operation that needed the failing page.
   *
   * @param query the filters and the page size; {@link AttributeQuery#all()} for everything
   */
  public Stream<MispAttribute> searchAttributes(AttributeQuery query) {
    Objects.requireNonNull(query, "query");
    AttributePager pager = new AttributePager(service, calls, query);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                pager, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
            false)
        .onClose(pager::close);
  }

  @Override
  public String toString() {
    return "MispClient{baseUrl=" + baseUrl + '}';
  }

  /** Collects a client's settings; the base URL and the API key are required. */
  public static final class Builder {
    private @Nullable HttpUrl baseUrl;
    private @Nullable String apiKey;
    private HttpSettings http = HttpSettings.defaults();

    private Builder() {}

    /**
     * Sets the server's address, for example {@code https://misp.example.org} or {@code
     * misp.example.org:8443/misp}. An address without a scheme means {@code https://}.
     *
     * @throws IllegalArgumentException if it is not an http(s) URL, or carries a user name,
     *     password, query or fragment
     */
    public Builder baseUrl(String baseUrl) {
      String trimmed = baseUrl.trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("baseUrl is blank; expected e.g. misp.example.org");
      }
      String withScheme = trimmed.contains("://") ? trimmed : "https://" + trimmed;
      HttpUrl url = HttpUrl.parse(withScheme);
      if (url == null) {
        throw new IllegalArgumentException(
            "baseUrl "
                + (trimmed.contains("@") ? "" : "\"" + trimmed + "\" ")
                + "is not an http or https URL; expected e.g. https://misp.example.org");
      }
      if (!url.username().isEmpty() || !url.password().isEmpty()) {
        throw new IllegalArgumentException(
            "baseUrl must not carry a user name or password: MISP takes only the API key");
      }
      if (url.query() != null || url.fragment() != null) {
        throw new IllegalArgumentException("baseUrl must not have a query or fragment");
      }
      if (!url.encodedPath().endsWith("/")) {
        url = url.newBuilder().addPathSegment("").build();
      }
      this.baseUrl = url;
      return this;
    }

    /**
     * Sets the API key of the MISP user to act as (Administration, List Auth Keys in MISP). Its
     * value never appears in an exception, a {@code toString()} or a log line.
     *
     * @throws IllegalArgumentException if it is blank or holds anything but visible ASCII
     *     characters (spaces and line breaks from a copied key included)
     */
    public Builder apiKey(String apiKey) {
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey is blank");
      }
      for (int i = 0; i < apiKey.length(); i++) {
        char c = apiKey.charAt(i);
        if (c <= ' ' || c >= 0x7f) {
          throw new IllegalArgumentException(
              "apiKey holds a space, control or non-ASCII character at index "
                  + i
                  + "; check for a line break or blank copied with it");
        }
      }
      this.apiKey = apiKey;
      return this;
    }

    /** Sets TLS, proxy, time-out and logging settings; {@link HttpSettings#defaults()} if unset. */
    public Builder http(HttpSettings http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * Builds the client. Nothing is sent yet: call {@link MispClient#version()} to test the
     * connection.
     *
     * @throws IllegalStateException if the base URL or the API key was not set
     */
    public MispClient build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required");
      }
      return new MispClient(baseUrl, apiKey, http);
    }
  }
}
