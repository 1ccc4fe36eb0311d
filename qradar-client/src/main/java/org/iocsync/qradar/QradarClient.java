package org.iocsync.qradar;

import com.squareup.moshi.Moshi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.iocsync.http.HttpSettings;
import org.jspecify.annotations.Nullable;
import retrofit2.Retrofit;

/**
 * A client for the reference sets of one QRadar server.
 *
 * <pre>{@code
 * QradarClient qradar = QradarClient.builder()
 *     .baseUrl("qradar.example.org")            // no scheme means https
 *     .token(System.getenv("QRADAR_TOKEN"))     // an authorized service token, sent as SEC
 *     .http(HttpSettings.builder().trustPem(Path.of("qradar-ca.pem")).build())
 *     .build();
 *
 * ConnectionCheck check = qradar.testConnection();
 * ReferenceSets sets = qradar.referenceSets();
 * if (sets.find("MISP malicious IPs").isEmpty()) {
 *   sets.create(NewReferenceSet.of("MISP malicious IPs", QradarElementType.IP)
 *       .expiringAfter(Duration.ofDays(30), ExpiryBasis.LAST_SEEN));
 * }
 * BulkWriteResult result = sets.add("MISP malicious IPs", List.of("192.0.2.1", "2001:db8::1"));
 * }</pre>
 *
 * <h2>API version</h2>
 *
 * Every request carries a {@code Version} header. Pin one with {@link Builder#apiVersion(String)};
 * otherwise the client asks {@code GET /api/help/versions} once, and takes the newest version the
 * server offers, has not removed, and this client knows to work: majors 12 to 20, whose reference
 * data endpoints are the ones this client was written against. A newer version is never chosen by
 * itself, since QRadar's newest version is not meant for integrations until it is known; pin it to
 * use it.
 *
 * <h2>Reference data API</h2>
 *
 * {@link ReferenceApi#AUTO} uses the collections API from version 16.0 and the legacy API before.
 * The legacy bulk load goes to {@code bulk_load/{name}} up to API 16.x and to {@code
 * bulk_load/SHARED/{name}/SHARED} from 17.0, as each version documents it.
 *
 * <h2>Batches</h2>
 *
 * {@link ReferenceSets#add} sends at most {@link Builder#batchSize(int)} values per request
 * (default {@value #DEFAULT_BATCH_SIZE}), and at most about a mebibyte of JSON whatever the count.
 * A thousand values is the low end of what tools in the field send (1,000 to 10,000; QRadar
 * documents no limit): a request stays small even with long URLs, a legacy batch refused for one
 * invalid value costs about 20 extra requests to sort out, a batch that fails leaves at most a
 * thousand values to send again, and a collections task ends after few polls. Raise it for
 * throughput against a dedicated console.
 *
 * <p>Instances are thread safe. The first call that needs the API version asks the server for it,
 * and a failure there is retried on the next call. Errors are {@link QradarException} subtypes;
 * neither the token nor the password ever appears in their messages, and the optional HTTP logger
 * of {@link HttpSettings} shows the {@code SEC} and {@code Authorization} headers redacted.
 */
public final class QradarClient {
  /** The batch size used unless {@link Builder#batchSize(int)} sets another. */
  public static final int DEFAULT_BATCH_SIZE = 1_000;

  /** The page size used unless {@link Builder#pageSize(int)} sets another. */
  public static final int DEFAULT_PAGE_SIZE = 1_000;

  /** The largest batch or page size a builder accepts. */
  public static final int MAX_BATCH_OR_PAGE_SIZE = 50_000;

  private static final Pattern VERSION_FORMAT = Pattern.compile("\\d{1,4}(\\.\\d{1,4})?");
  private static final String VERSION_FIELDS = "version,deprecated,removed";

  private final HttpUrl baseUrl;
  private final OkHttpClient http;
  private final String authHeader;
  private final String authValue;
  private final boolean tokenAuth;
  private final Secrets secrets;
  private final @Nullable String pinnedVersion;
  private final ReferenceApi api;
  private final int batchSize;
  private final int pageSize;
  private final Duration taskDeadline;
  private final Duration taskPollInterval;
  private final Moshi moshi = new Moshi.Builder().build();
  private final HelpService help;
  private final Exchange helpExchange;
  private final Object sessionLock = new Object();
  private volatile @Nullable Session session;

  private QradarClient(Builder builder, HttpUrl baseUrl, @Nullable ApiVersion pinned) {
    this.baseUrl = baseUrl;
    this.pinnedVersion = pinned != null ? pinned.text() : null;
    this.api = builder.api;
    this.batchSize = builder.batchSize;
    this.pageSize = builder.pageSize;
    this.taskDeadline = builder.taskDeadline;
    this.taskPollInterval = builder.taskPollInterval;

    String token = builder.token;
    if (token != null) {
      this.tokenAuth = true;
      this.authHeader = "SEC";
      this.authValue = token;
      this.secrets = new Secrets(List.of(token));
    } else {
      String user = builder.user;
      String password = builder.password;
      this.tokenAuth = false;
      this.authHeader = "Authorization";
      this.authValue = Credentials.basic(user, password);
      this.secrets = new Secrets(List.of(password, authValue.substring("Basic ".length())));
    }

    this.http =
        builder
            .http
            .newClient(Set.of("SEC", "Authorization"))
            .newBuilder()
            .followRedirects(false)
            .followSslRedirects(false)
            .addInterceptor(new BoundedBodies())
            .build();
    this.help = retrofit(null).create(HelpService.class);
    this.helpExchange = new Exchange(baseUrl, null, secrets, moshi);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks that the server answers, that it accepts the credentials for reading reference sets, and
   * which API version and API the client uses. Asks the server for its versions even when one is
   * pinned, to say whether it is offered.
   *
   * @throws QradarAuthenticationException if the credentials are refused
   * @throws QradarVersionException if the pinned version is not offered, or none is known
   */
  public ConnectionCheck testConnection() {
    List<QradarJson.Version> offered = versions();
    ApiVersion version =
        pinnedVersion != null ? offeredPin(pinnedVersion, offered) : choose(offered);
    Session checked = sessionFor(version);
    checked.sets().checkAccess();
    synchronized (sessionLock) {
      if (session == null) {
        session = checked;
      }
    }

    List<ApiVersion> available = new ArrayList<>();
    boolean deprecated = false;
    for (QradarJson.Version entry : offered) {
      Optional<ApiVersion> parsed = parse(entry.version());
      if (parsed.isPresent() && !Boolean.TRUE.equals(entry.removed())) {
        available.add(parsed.get());
        if (parsed.get().text().equals(version.text())) {
          deprecated = Boolean.TRUE.equals(entry.deprecated());
        }
      }
    }
    available.sort(null);
    return new ConnectionCheck(
        available.stream().map(ApiVersion::text).toList(),
        version.text(),
        pinnedVersion != null,
        deprecated,
        checked.api());
  }

  /**
   * The server's reference sets. The object is cheap and stateless; the first call on it that needs
   * the API version fixes it for this client.
   */
  public ReferenceSets referenceSets() {
    return new LazyReferenceSets();
  }

  @Override
  public String toString() {
    return "QradarClient{baseUrl="
        + baseUrl
        + ", auth="
        + (tokenAuth ? "SEC token" : "basic")
        + ", version="
        + (pinnedVersion != null ? pinnedVersion : "auto")
        + ", api="
        + api
        + '}';
  }

  private Session session() {
    Session current = session;
    if (current != null) {
      return current;
    }
    synchronized (sessionLock) {
      if (session == null) {
        ApiVersion version =
            pinnedVersion != null
                ? ApiVersion.parse(pinnedVersion).orElseThrow()
                : choose(versions());
        session = sessionFor(version);
      }
      return session;
    }
  }

  private Session sessionFor(ApiVersion version) {
    ReferenceApi chosen = api;
    if (chosen == ReferenceApi.AUTO) {
      chosen =
          version.major() >= ApiVersion.COLLECTIONS_MAJOR
              ? ReferenceApi.COLLECTIONS
              : ReferenceApi.LEGACY;
    } else if (chosen == ReferenceApi.COLLECTIONS
        && version.major() < ApiVersion.COLLECTIONS_MAJOR) {
      throw new QradarVersionException(
          "The reference data collections API needs API version 16.0 or later; the client would"
              + " use "
              + version.text()
              + ". Use ReferenceApi.LEGACY, or a server that offers 16.0.",
          0,
          null);
    }

    Retrofit retrofit = retrofit(version.text());
    Exchange exchange = new Exchange(baseUrl, version.text(), secrets, moshi);
    TaskPoller poller = new TaskPoller(taskDeadline, taskPollInterval, secrets);
    CollectionsService collections = retrofit.create(CollectionsService.class);
    EntryQueries queries = new EntryQueries(collections, exchange);
    ApiReferenceSets sets =
        chosen == ReferenceApi.COLLECTIONS
            ? new CollectionReferenceSets(
                collections, exchange, poller, queries, batchSize, pageSize)
            : new LegacyReferenceSets(
                retrofit.create(LegacyService.class),
                exchange,
                poller,
                baseUrl,
                version.major() >= ApiVersion.NAMESPACED_BULK_LOAD_MAJOR,
                version.major() >= ApiVersion.COLLECTIONS_MAJOR ? queries : null,
                batchSize,
                pageSize);
    return new Session(chosen, sets);
  }

  private Retrofit retrofit(@Nullable String version) {
    OkHttpClient client =
        http.newBuilder().addInterceptor(new QradarHeaders(authHeader, authValue, version)).build();
    return new Retrofit.Builder()
        .baseUrl(baseUrl)
        .client(client)
        .addConverterFactory(new JsonConverters(moshi))
        .build();
  }

  private List<QradarJson.Version> versions() {
    return helpExchange.body(
        help.versions(VERSION_FIELDS), Exchange.Op.of("reading the API versions QRadar offers"));
  }

  /** The newest offered, not removed, known version; see the class documentation. */
  private ApiVersion choose(List<QradarJson.Version> offered) {
    ApiVersion best = null;
    List<String> listed = new ArrayList<>();
    for (QradarJson.Version entry : offered) {
      Optional<ApiVersion> version = parse(entry.version());
      if (version.isEmpty() || Boolean.TRUE.equals(entry.removed())) {
        continue;
      }
      listed.add(version.get().text());
      boolean fits =
          api != ReferenceApi.COLLECTIONS || version.get().major() >= ApiVersion.COLLECTIONS_MAJOR;
      if (version.get().known() && fits && (best == null || version.get().compareTo(best) > 0)) {
        best = version.get();
      }
    }
    if (best == null) {
      throw new QradarVersionException(
          "QRadar offers API versions "
              + (listed.isEmpty() ? "(none)" : String.join(", ", listed))
              + "; this client knows "
              + ApiVersion.OLDEST_KNOWN_MAJOR
              + ".0 to "
              + ApiVersion.NEWEST_KNOWN_MAJOR
              + ".x"
              + (api == ReferenceApi.COLLECTIONS ? ", and the collections API needs 16.0" : "")
              + ". Pin one the server offers with apiVersion(...) to try it.",
          0,
          null);
    }
    return best;
  }

  private static ApiVersion offeredPin(String pinned, List<QradarJson.Version> offered) {
    List<String> listed = new ArrayList<>();
    for (QradarJson.Version entry : offered) {
      String text = entry.version();
      if (text == null) {
        continue;
      }
      boolean matches =
          text.equals(pinned) || (!pinned.contains(".") && text.startsWith(pinned + "."));
      if (matches && Boolean.TRUE.equals(entry.removed())) {
        throw new QradarVersionException(
            "QRadar has removed API version "
                + pinned
                + ": pin a version it still offers, or leave the version unset.",
            0,
            null);
      }
      if (matches) {
        return ApiVersion.parse(pinned).orElseThrow();
      }
      if (!Boolean.TRUE.equals(entry.removed())) {
        listed.add(text);
      }
    }
    throw new QradarVersionException(
        "QRadar does not offer API version "
            + pinned
            + "; it offers "
            + (listed.isEmpty() ? "none" : String.join(", ", listed))
            + ".",
        0,
        null);
  }

  private static Optional<ApiVersion> parse(@Nullable String text) {
    return text != null ? ApiVersion.parse(text) : Optional.empty();
  }

  private record Session(ReferenceApi api, ApiReferenceSets sets) {}

  /** Fixes the session on first use, so that building the view costs no request. */
  private final class LazyReferenceSets implements ReferenceSets {
    @Override
    public List<ReferenceSetInfo> list() {
      return session().sets().list();
    }

    @Override
    public Optional<ReferenceSetInfo> find(String name) {
      return session().sets().find(name);
    }

    @Override
    public ReferenceSetInfo create(NewReferenceSet spec) {
      return session().sets().create(spec);
    }

    @Override
    public Stream<ReferenceSetEntry> entries(String name) {
      return session().sets().entries(name);
    }

    @Override
    public BulkWriteResult add(String name, Collection<String> values) {
      return session().sets().add(name, values);
    }

    @Override
    public Set<String> present(String name, Collection<String> values) {
      return session().sets().present(name, values);
    }

    @Override
    public boolean remove(String name, String value) {
      return session().sets().remove(name, value);
    }

    @Override
    public List<String> removeAll(String name, Collection<String> values) {
      return session().sets().removeAll(name, values);
    }

    @Override
    public void purge(String name) {
      session().sets().purge(name);
    }

    @Override
    public void delete(String name) {
      session().sets().delete(name);
    }
  }

  /** Collects the client's settings; {@link #build()} checks them. */
  public static final class Builder {
    private @Nullable String baseUrl;
    private @Nullable String token;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String apiVersion;
    private ReferenceApi api = ReferenceApi.AUTO;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private Duration taskDeadline = Duration.ofMinutes(10);
    private Duration taskPollInterval = Duration.ofSeconds(1);
    private HttpSettings http = HttpSettings.defaults();

    private Builder() {}

    /**
     * The console's address, such as {@code https://qradar.example.org}; without a scheme, {@code
     * https://} is assumed. A trailing {@code /api} is dropped. Required.
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /** An authorized service token, sent in the {@code SEC} header: what IBM advises. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** A QRadar user and password, sent with HTTP basic authentication, instead of a token. */
    public Builder basicAuth(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** Pins the API version, such as {@code 16.0}, instead of choosing it from the server's. */
    public Builder apiVersion(String apiVersion) {
      this.apiVersion = apiVersion;
      return this;
    }

    /**
     * Forces one reference data API; the default, {@link ReferenceApi#AUTO}, follows the version.
     */
    public Builder api(ReferenceApi api) {
      this.api = api;
      return this;
    }

    /** The most values one bulk write request carries; default {@value #DEFAULT_BATCH_SIZE}. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** The most items one page of a list or of a set's values holds; default 1,000. */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
      return this;
    }

    /** How long to wait for one QRadar task (a purge, a deletion, a bulk write); default 10 min. */
    public Builder taskDeadline(Duration taskDeadline) {
      this.taskDeadline = taskDeadline;
      return this;
    }

    /** The longest wait between two polls of a task's status; default 1 s. */
    public Builder taskPollInterval(Duration taskPollInterval) {
      this.taskPollInterval = taskPollInterval;
      return this;
    }

    /** TLS, proxy, time-outs and logging; default {@link HttpSettings#defaults()}. */
    public Builder http(HttpSettings http) {
      this.http = http;
      return this;
    }

    /**
     * Checks the settings and builds the client; no request is sent.
     *
     * @throws IllegalArgumentException naming the first setting that is missing or wrong
     */
    public QradarClient build() {
      HttpUrl url = parseBaseUrl(baseUrl);
      checkCredentials();
      ApiVersion pinned = null;
      if (apiVersion != null) {
        if (!VERSION_FORMAT.matcher(apiVersion).matches()) {
          throw new IllegalArgumentException(
              "apiVersion '" + apiVersion + "' is not a version such as 16.0");
        }
        pinned = ApiVersion.parse(apiVersion).orElseThrow();
        if (api == ReferenceApi.COLLECTIONS && pinned.major() < ApiVersion.COLLECTIONS_MAJOR) {
          throw new IllegalArgumentException(
              "api COLLECTIONS needs apiVersion 16.0 or later, not " + apiVersion);
        }
      }
      checkSize("batchSize", batchSize);
      checkSize("pageSize", pageSize);
      if (taskDeadline.isNegative() || taskDeadline.isZero()) {
        throw new IllegalArgumentException("taskDeadline must be positive: " + taskDeadline);
      }
      if (taskPollInterval.toMillis() < 1 || taskPollInterval.compareTo(taskDeadline) > 0) {
        throw new IllegalArgumentException(
            "taskPollInterval must be at least 1 ms and at most the taskDeadline: "
                + taskPollInterval);
      }
      return new QradarClient(this, url, pinned);
    }

    private void checkCredentials() {
      if (token != null && user != null) {
        throw new IllegalArgumentException(
            "token and basicAuth exclude each other: set one (IBM advises a token)");
      }
      if (token != null) {
        if (token.isBlank()) {
          throw new IllegalArgumentException("token is blank");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          throw new IllegalArgumentException(
              "token holds spaces or characters a header cannot carry: check how it was read");
        }
        return;
      }
      if (user == null || password == null) {
        throw new IllegalArgumentException(
            "token is missing: set an authorized service token, or basicAuth(user, password)");
      }
      if (user.isEmpty() || user.contains(":")) {
        throw new IllegalArgumentException("basicAuth user is empty or holds a colon");
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("basicAuth password is empty");
      }
    }

    private static void checkSize(String name, int size) {
      if (size < 1 || size > MAX_BATCH_OR_PAGE_SIZE) {
        throw new IllegalArgumentException(
            name + " must be within 1.." + MAX_BATCH_OR_PAGE_SIZE + ": " + size);
      }
    }

    private static HttpUrl parseBaseUrl(@Nullable String text) {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("baseUrl is missing: set the QRadar console's address");
      }
      String trimmed = text.strip();
      HttpUrl url = HttpUrl.parse(trimmed.contains("://") ? trimmed : "https://" + trimmed);
      if (url == null) {
        throw new IllegalArgumentException(
            "baseUrl is not an http or https URL: "
                + (trimmed.contains("@") ? "(hidden)" : trimmed));
      }
      if (!url.username().isEmpty() || !url.password().isEmpty()) {
        throw new IllegalArgumentException(
            "baseUrl must not carry a user or password: use token(...) or basicAuth(...)");
      }
      if (url.query() != null || url.fragment() != null) {
        throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + url);
      }
      List<String> segments = new ArrayList<>(url.pathSegments());
      segments.removeIf(String::isEmpty);
      if (!segments.isEmpty() && segments.get(segments.size() - 1).equals("api")) {
        segments.remove(segments.size() - 1);
      }
      HttpUrl.Builder normalized = url.newBuilder().encodedPath("/");
      for (String segment : segments) {
        normalized.addPathSegment(segment);
      }
      return normalized.addPathSegment("").build();
    }
  }
}
