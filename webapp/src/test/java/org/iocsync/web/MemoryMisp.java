package org.iocsync.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.iocsync.core.IndicatorSource;
import org.iocsync.core.SourceAttribute;
import org.iocsync.core.SourceException;
import org.iocsync.core.SourceQuery;

/** A MISP held in memory, standing in for the MISP client's adapter. */
final class MemoryMisp implements IndicatorSource {
  private final Map<String, SourceAttribute> attributes = new ConcurrentHashMap<>();
  private volatile boolean down;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch entered = new CountDownLatch(1);

  void add(String uuid, String type, String value, boolean toIds) {
    Instant now = Instant.parse("2026-01-05T09:00:00Z");
    attributes.put(
        uuid, new SourceAttribute(uuid, "1", type, value, toIds, false, true, List.of(), now, now));
  }

  void delete(String uuid) {
    attributes.remove(uuid);
  }

  void down(boolean down) {
    this.down = down;
  }

  /** Makes reads wait until {@link #release()}, so that a run stays in progress. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  void release() {
    gate.countDown();
  }

  /** Waits until a read has started, at most ten seconds; returns whether one did. */
  boolean awaitRead() throws InterruptedException {
    return entered.await(10, TimeUnit.SECONDS);
  }

  @Override
  public Stream<SourceAttribute> attributes(SourceQuery query) {
    entered.countDown();
    try {
      if (!gate.await(20, TimeUnit.SECONDS)) {
        throw SourceException.retryable("MISP was held too long by the test", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SourceException.retryable("interrupted", e);
    }
    if (down) {
      throw SourceException.retryable("MISP answered 503: try again later", null);
    }
    return attributes.values().stream()
        .filter(a -> query.types().isEmpty() || query.types().contains(a.type()));
  }

  @Override
  public Set<String> knownTypes() {
    return Set.of("ip-src", "ip-dst", "domain", "md5", "url");
  }
}
