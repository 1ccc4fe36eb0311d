package org.iocsync.testkit;

import java.net.InetAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * A fake IBM QRadar console on 127.0.0.1 serving the reference data endpoints of both APIs, as
 * QRadar 7.5 answers them.
 *
 * <pre>{@code
 * try (FakeQradar qradar = FakeQradar.start()) {
 *   // point the code under test at qradar.url() with qradar.token() ...
 *   assertThat(qradar.values("MISP IPs")).contains("203.0.113.7");
 *   qradar.addByHand("MISP IPs", "198.51.100.1"); // a value someone else added
 *   qradar.taskPolls(Integer.MAX_VALUE);          // tasks that never end
 * }
 * }</pre>
 *
 * <p>Served: {@code GET /api/help/versions}; the legacy {@code /api/reference_data/sets} (list,
 * create with query parameters, {@code GET /{name}} with {@code fields} and its {@code data} paged
 * by {@code Range}, {@code POST /{name}?value=}, {@code POST /bulk_load/{name}} up to API 16 and
 * {@code /bulk_load/{namespace}/{name}/{domain_id}}, {@code DELETE /{name}/{value}}, {@code DELETE
 * /{name}} with or without {@code purge_only}, as a task read at {@code
 * /api/system/task_management/tasks/{id}} or {@code /api/reference_data/set_delete_tasks/{id}});
 * and the reference data collections (sets by id, {@code set_entries} with {@code filter}, {@code
 * Range} and {@code fields}, {@code POST}, bulk {@code PATCH} as a task with per-entry {@code
 * results}, {@code DELETE set_entries/{id}}). Both APIs see the same sets.
 *
 * <p>As QRadar: the {@code SEC} token (or basic auth when configured) is checked first (401 JSON);
 * the {@code Version} header picks an offered version, or the newest when absent (422 for one not
 * offered or removed); {@code Deprecated} marks deprecated versions and, from API 20, every legacy
 * endpoint; a typed set refuses values its type does not take (a legacy bulk load as a whole with
 * 422/1005, a bulk {@code PATCH} entry by entry); 409/1004 (legacy) or 409/10006 (collections) on a
 * name in use; 404/1002 on an unknown set; names and values in paths are decoded twice, and an
 * encoded slash ({@code %2F} in the path as sent) is refused with the servlet container's 400 HTML
 * page. Asynchronous tasks finish after a number of polls (3 by default), and apply their work
 * then.
 *
 * <p>Not verified against a real server: the codes and messages of 401, of version errors and of
 * 410 for {@code bulk_load/{name}} from API 17; the unit of {@code time_to_live} in the collections
 * API (taken as seconds); whether a {@code PATCH} entry with {@code delete_entry: true} deletes
 * (here it does). ALNIC values are stored lower-cased.
 */
public final class FakeQradar implements AutoCloseable {
  /** The versions offered by default, as a QRadar 7.5 console lists them. */
  static final List<String> DEFAULT_VERSIONS =
      List.of(
          "12.0", "12.1", "13.0", "13.1", "14.0", "15.0", "15.1", "16.0", "17.0", "18.0", "19.0",
          "20.0");

  private final FakeHttpServer server;
  private final QradarStore store;
  private final String token;

  private FakeQradar(Builder builder) {
    this.token = builder.token != null ? builder.token : UUID.randomUUID().toString();
    this.store = new QradarStore(builder.clock, builder.taskPolls);

    List<QradarApi.Version> versions = new ArrayList<>();
    for (String text : builder.versions) {
      int[] number = QradarApi.Version.parse(text);
      if (number == null) {
        throw new IllegalArgumentException("versions must look like 16.0, was " + text);
      }
      boolean deprecated =
          builder.deprecated != null ? builder.deprecated.contains(text) : number[0] < 18;
      versions.add(
          new QradarApi.Version(
              text, number[0], number[1], deprecated, builder.removed.contains(text)));
    }
    QradarApi api =
        new QradarApi(
            store,
            token,
            builder.basicUser,
            builder.basicPassword,
            versions,
            builder.maxPageSize,
            builder.tls == null ? "http" : "https");
    this.server =
        FakeHttpServer.start(
            builder.address,
            builder.port,
            builder.tls,
            builder.requestLogLimit,
            api::handle,
            (status, request, message) ->
                QradarHttp.error(status, status >= 500 ? 1020 : 0, message, message));
  }

  /** Starts a fake QRadar on a free port of 127.0.0.1 with a random token. */
  public static FakeQradar start() {
    return builder().start();
  }

  /** A builder to choose the token, versions, task polls, page cap, port and clock. */
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

  /** The token the fake accepts in the {@code SEC} header. */
  public String token() {
    return token;
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
  // State

  /** Every reference set, in creation order. */
  public List<ReferenceSet> sets() {
    List<ReferenceSet> out = new ArrayList<>();
    for (QradarStore.SetInfo set : store.sets()) {
      out.add(ReferenceSet.of(set));
    }
    return out;
  }

  /** The set named {@code name}, if it exists. */
  public Optional<ReferenceSet> set(String name) {
    QradarStore.SetInfo set = store.set(name);
    return set == null ? Optional.empty() : Optional.of(ReferenceSet.of(set));
  }

  /** The values of set {@code name} in the order they were added. */
  public Set<String> values(String name) {
    Set<String> values = new LinkedHashSet<>();
    for (Entry entry : entries(name)) {
      values.add(entry.value());
    }
    return values;
  }

  /** The entries of set {@code name} in the order they were added, with their sources. */
  public List<Entry> entries(String name) {
    QradarStore.SetInfo set = require(name);
    List<Entry> out = new ArrayList<>(set.size());
    for (QradarStore.EntryRow row : store.rows(set.id(), 0, Integer.MAX_VALUE)) {
      out.add(Entry.of(row));
    }
    return out;
  }

  /** Whether set {@code name} holds {@code value} (compared as the set's type does). */
  public boolean contains(String name, String value) {
    return store.find(require(name).id(), value) != null;
  }

  /**
   * Creates a set as an administrator would in the console.
   *
   * @param elementType one of {@code ALN}, {@code ALNIC}, {@code IP}, {@code NUM}, {@code PORT},
   *     {@code DATE}, {@code CIDR}
   */
  public ReferenceSet createSet(String name, String elementType) {
    ElementType type = ElementType.parse(elementType);
    if (type == null) {
      throw new IllegalArgumentException(
          "elementType must be one of ALN, ALNIC, IP, NUM, PORT, DATE, CIDR, was " + elementType);
    }
    try {
      return ReferenceSet.of(store.create(name, type, null, null, QradarStore.Expiry.NO_EXPIRY));
    } catch (QradarStore.NameInUseException e) {
      throw new IllegalArgumentException("A reference set named " + name + " exists already", e);
    }
  }

  /** Adds a value as a person would in the console, with source {@code admin}. */
  public void addByHand(String name, String value) {
    addByHand(name, value, "admin");
  }

  /** Adds a value with the given source, as another integration would. */
  public void addByHand(String name, String value, String source) {
    QradarStore.SetInfo set = require(name);
    if (!set.type().accepts(value)) {
      throw new IllegalArgumentException(
          "Set " + name + " of type " + set.type() + " does not take \"" + value + "\"");
    }
    store.add(set.id(), value, source, null);
  }

  /** Removes a value as a person would; returns whether it was there. */
  public boolean removeByHand(String name, String value) {
    return store.remove(require(name).id(), value);
  }

  /**
   * How many polls the tasks started from now on take to finish; {@link Integer#MAX_VALUE} makes
   * them never finish.
   */
  public void taskPolls(int polls) {
    store.taskPolls(checkPolls(polls));
  }

  /** Makes the next task end with status {@code EXCEPTION} and {@code message}, doing nothing. */
  public void failNextTask(String message) {
    store.failNextTask(message);
  }

  /** Finishes every pending task now, as if each had been polled to its end. */
  public void finishTasks() {
    store.finishTasks();
  }

  /** Stops the server; later requests are refused. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "FakeQradar[" + url() + "]";
  }

  private QradarStore.SetInfo require(String name) {
    QradarStore.SetInfo set = store.set(name);
    if (set == null) {
      throw new IllegalArgumentException("No reference set is named " + name);
    }
    return set;
  }

  private static int checkPolls(int polls) {
    if (polls < 1) {
      throw new IllegalArgumentException("polls must be 1 or more, was " + polls);
    }
    return polls;
  }

  // ---------------------------------------------------------------------------------------------
  // Public types

  /** Settings of a fake QRadar; every one has a default. */
  public static final class Builder {
    private @Nullable String token;
    private @Nullable String basicUser;
    private @Nullable String basicPassword;
    private List<String> versions = DEFAULT_VERSIONS;
    private @Nullable Set<String> deprecated;
    private Set<String> removed = Set.of();
    private int taskPolls = 3;
    private int maxPageSize;
    private InstantSource clock = InstantSource.system();
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private @Nullable SSLSocketFactory tls;
    private int requestLogLimit = 1000;

    private Builder() {}

    /** The token to accept in {@code SEC}; a random UUID by default. */
    public Builder token(String token) {
      if (token.isBlank()) {
        throw new IllegalArgumentException("token must not be blank");
      }
      this.token = token;
      return this;
    }

    /** Also accepts HTTP basic authentication with these credentials; off by default. */
    public Builder basicAuth(String user, String password) {
      this.basicUser = user;
      this.basicPassword = password;
      return this;
    }

    /** The API versions offered, such as {@code "16.0", "20.0"}; 12.0 to 20.0 by default. */
    public Builder versions(String... versions) {
      if (versions.length == 0) {
        throw new IllegalArgumentException("versions must name at least one version");
      }
      this.versions = List.of(versions);
      return this;
    }

    /** Versions listed as deprecated; by default those before 18.0. */
    public Builder deprecatedVersions(String... versions) {
      this.deprecated = Set.of(versions);
      return this;
    }

    /** Versions listed as removed: a request asking for one gets 422. None by default. */
    public Builder removedVersions(String... versions) {
      this.removed = Set.of(versions);
      return this;
    }

    /** How many polls a task takes to finish; 3 by default. */
    public Builder taskPolls(int polls) {
      this.taskPolls = checkPolls(polls);
      return this;
    }

    /**
     * The most items one answer holds, whatever {@code Range} asks, as a server with a cap would;
     * no cap by default. {@code Content-Range} tells what was served.
     */
    public Builder maxPageSize(int items) {
      if (items < 1) {
        throw new IllegalArgumentException("maxPageSize must be 1 or more, was " + items);
      }
      this.maxPageSize = items;
      return this;
    }

    /** The clock for creation, first-seen and last-seen times; the system clock by default. */
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
     * How many requests {@link FakeQradar#requests()} keeps, with up to 64 KiB of body each; 1000
     * by default, 0 keeps none (for benchmarks).
     */
    public Builder requestLogLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("requestLogLimit must not be negative, was " + limit);
      }
      this.requestLogLimit = limit;
      return this;
    }

    /** Starts the fake. */
    public FakeQradar start() {
      return new FakeQradar(this);
    }
  }

  /**
   * A reference set as the fake holds it.
   *
   * @param id the collection id, also the legacy set's {@code collection_id}
   * @param expiryType {@code NO_EXPIRY} (legacy {@code UNKNOWN}), {@code FIRST_SEEN} or {@code
   *     LAST_SEEN}
   */
  public record ReferenceSet(
      long id,
      String name,
      String elementType,
      @Nullable Long timeToLiveSeconds,
      String expiryType,
      int size,
      Instant creationTime) {

    static ReferenceSet of(QradarStore.SetInfo set) {
      return new ReferenceSet(
          set.id(),
          set.name(),
          set.type().name(),
          set.timeToLiveSeconds(),
          set.expiry().name(),
          set.size(),
          Instant.ofEpochMilli(set.creationTime()));
    }
  }

  /** One value of a reference set, with where it came from. */
  public record Entry(
      long id,
      String value,
      String source,
      @Nullable String notes,
      Instant firstSeen,
      Instant lastSeen) {

    static Entry of(QradarStore.EntryRow row) {
      return new Entry(
          row.id(),
          row.value(),
          row.source(),
          row.notes(),
          Instant.ofEpochMilli(row.firstSeen()),
          Instant.ofEpochMilli(row.lastSeen()));
    }
  }
}
