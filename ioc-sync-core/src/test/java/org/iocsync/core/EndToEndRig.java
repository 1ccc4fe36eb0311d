package org.iocsync.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.iocsync.http.HttpSettings;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.QradarClient;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.LoggedRequest;
import org.jspecify.annotations.Nullable;

/**
 * The whole chain of a sync for end-to-end tests: the testkit's fake MISP, read through the real
 * {@link MispClient} and {@link MispIndicatorSource}; an {@link IocSync} on a real SQLite store in
 * a temporary directory; the real {@link QradarSetTarget} and {@link QradarClient} on one of
 * QRadar's two APIs, writing to the testkit's fake QRadar. A test clock drives the fakes and the
 * engine, and retries move it instead of sleeping. Small pages and batches make every run page and
 * batch.
 */
final class EndToEndRig implements AutoCloseable {
  /** Retries that heal one fault, or give up on a lasting one, at once under the test clock. */
  static final RetryPolicy RETRIES =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1));

  static final int PAGE_SIZE = 3;
  static final int BATCH_SIZE = 3;

  /** Time-outs short enough that a stalled or trickling answer fails fast. */
  static final HttpSettings SHORT_TIMEOUTS =
      HttpSettings.builder()
          .connectTimeout(Duration.ofSeconds(2))
          .readTimeout(Duration.ofMillis(400))
          .callTimeout(Duration.ofMillis(1500))
          .build();

  /** Time-outs no test reaches on a loaded machine. */
  static final HttpSettings LONG_TIMEOUTS =
      HttpSettings.builder()
          .readTimeout(Duration.ofSeconds(20))
          .callTimeout(Duration.ofSeconds(30))
          .build();

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
  private static final Pattern HOST_NAME = Pattern.compile("([a-z0-9-]+\\.)+[a-z]{2,}");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  final TestClock clock = new TestClock();
  final FakeMisp misp = FakeMisp.builder().clock(clock).start();
  final FakeQradar qradar = FakeQradar.builder().clock(clock).taskPolls(2).start();
  final ReferenceApi api;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Path stateDirectory;
  private final HttpSettings http;
  private final List<Long> events = new ArrayList<>();
  private IocSync sync;

  EndToEndRig(Path stateDirectory, ReferenceApi api, HttpSettings http) {
    this.stateDirectory = stateDirectory;
    this.api = api;
    this.http = http;
    this.sync = open(misp.apiKey(), qradar.token(), UnaryOperator.identity());
  }

  EndToEndRig(Path stateDirectory, ReferenceApi api) {
    this(stateDirectory, api, LONG_TIMEOUTS);
  }

  IocSync sync() {
    return sync;
  }

  /** Closes the embedded API and opens it again, as a restarted process would. */
  void restart() {
    restart(misp.apiKey(), qradar.token(), UnaryOperator.identity());
  }

  /** Restarts with these credentials, and with the QRadar target wrapped by {@code wrap}. */
  void restart(String mispKey, String qradarToken, UnaryOperator<SetTarget> wrap) {
    sync.close();
    sync = open(mispKey, qradarToken, wrap);
  }

  private IocSync open(String mispKey, String qradarToken, UnaryOperator<SetTarget> wrap) {
    return open(misp.url(), mispKey, qradar.url(), qradarToken, wrap);
  }

  /** Closes the embedded API and opens it again, reaching the servers at these addresses. */
  void restart(String mispUrl, String mispKey, String qradarUrl, String qradarToken) {
    sync.close();
    sync = open(mispUrl, mispKey, qradarUrl, qradarToken, UnaryOperator.identity());
  }

  private IocSync open(
      String mispUrl,
      String mispKey,
      String qradarUrl,
      String qradarToken,
      UnaryOperator<SetTarget> wrap) {
    MispClient mispClient =
        MispClient.builder().baseUrl(mispUrl).apiKey(mispKey).http(http).build();
    QradarClient qradarClient =
        QradarClient.builder()
            .baseUrl(qradarUrl)
            .token(qradarToken)
            .api(api)
            .batchSize(BATCH_SIZE)
            .pageSize(PAGE_SIZE)
            .taskPollInterval(Duration.ofMillis(5))
            .taskDeadline(Duration.ofSeconds(10))
            .http(http)
            .build();
    return IocSync.builder()
        .source(new MispIndicatorSource(mispClient, PAGE_SIZE))
        .target(wrap.apply(new QradarSetTarget(qradarClient)))
        .stateDirectory(stateDirectory)
        .clock(clock)
        .sleeper(
            duration -> {
              sleeps.add(duration);
              clock.advance(duration);
            })
        .retryPolicy(RETRIES)
        .batchSize(BATCH_SIZE)
        .build();
  }

  /** Adds an event that {@link #expected} takes into account. */
  long addEvent(FakeMisp.EventSpec spec) {
    long id = misp.addEvent(spec);
    events.add(id);
    return id;
  }

  long addEvent(String info) {
    return addEvent(FakeMisp.event(info));
  }

  /** Moves time on, then runs the job, so that what the test changed before is older. */
  RunReport run(String job, RunKind kind) {
    later();
    return sync.run(job, kind);
  }

  /** Moves time on so that what a test changes next carries a later timestamp. */
  void later() {
    clock.advance(Duration.ofMinutes(10));
  }

  /** The values of QRadar's set {@code name}, empty when there is no such set. */
  Set<String> values(String name) {
    return qradar.set(name).isPresent() ? qradar.values(name) : Set.of();
  }

  /** The requests QRadar received with {@code method} on a path starting with {@code prefix}. */
  long qradarRequests(String method, String prefix) {
    return count(qradar.requests(), method, prefix);
  }

  /** The requests MISP received with {@code method} on a path starting with {@code prefix}. */
  long mispRequests(String method, String prefix) {
    return count(misp.requests(), method, prefix);
  }

  private static long count(List<LoggedRequest> requests, String method, String prefix) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().startsWith(prefix))
        .count();
  }

  /**
   * What {@code job}'s set must hold, computed from the fake's own data without the engine's
   * mapper: the live attributes of the job's types with {@code to_ids}, in published events, with
   * no excluded tag, whose value (or its component for the set) is well formed, normalised as
   * DESIGN.md says. Covers the types and values these tests use.
   */
  Set<String> expected(JobSpec job) {
    if (!job.tags().isEmpty() || !job.eventIds().isEmpty()) {
      throw new IllegalArgumentException("the expected values ignore tag and event filters");
    }
    Set<String> values = new LinkedHashSet<>();
    for (long eventId : events) {
      Optional<FakeMisp.Event> event = misp.event(eventId);
      if (event.isEmpty() || (job.publishedOnly() && !event.get().published())) {
        continue;
      }
      for (FakeMisp.Attribute attribute : misp.attributes(eventId)) {
        if (attribute.deleted()
            || (job.toIdsOnly() && !attribute.toIds())
            || !job.types().contains(attribute.type())
            || excluded(job, attribute.tags())
            || excluded(job, event.get().tags())) {
          continue;
        }
        String value = expectedValue(job.elementType(), attribute.type(), attribute.value());
        if (value != null) {
          values.add(value);
        }
      }
    }
    return values;
  }

  private static boolean excluded(JobSpec job, List<String> tags) {
    return tags.stream()
        .anyMatch(tag -> job.excludeTags().stream().anyMatch(tag::equalsIgnoreCase));
  }

  private static @Nullable String expectedValue(ElementType set, String type, String value) {
    String[] parts = value.split("\\|", -1);
    if (set == ElementType.IP) {
      String address =
          switch (type) {
            case "ip-src", "ip-dst" -> value;
            case "ip-src|port", "ip-dst|port" -> parts[0];
            case "domain|ip" -> parts[1];
            default -> null;
          };
      return address != null && (IPV4.matcher(address).matches() || isShortIpv6(address))
          ? address
          : null;
    }
    String lower = value.trim().toLowerCase(Locale.ROOT);
    String[] lowerParts = lower.split("\\|", -1);
    return switch (type) {
      case "domain", "hostname" -> hostName(lower);
      case "domain|ip" -> hostName(lowerParts[0]);
      case "md5" -> hash(lower, 32);
      case "sha1" -> hash(lower, 40);
      case "sha256" -> hash(lower, 64);
      case "filename|sha256" -> hash(lowerParts[1], 64);
      default -> null;
    };
  }

  /** IPv6 in the lower-case, compressed form the tests write their IPv6 values in. */
  private static boolean isShortIpv6(String address) {
    return address.contains(":")
        && address.equals(address.toLowerCase(Locale.ROOT))
        && address.matches("[0-9a-f:]+");
  }

  private static @Nullable String hostName(String name) {
    String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return HOST_NAME.matcher(bare).matches() ? bare : null;
  }

  private static @Nullable String hash(String hash, int length) {
    return hash.length() == length && HEX.matcher(hash).matches() ? hash : null;
  }

  @Override
  public void close() {
    try {
      sync.close();
    } finally {
      try {
        misp.close();
      } finally {
        qradar.close();
      }
    }
  }
}
