package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's sessions, in memory: a restart logs everyone out. Ids are 256 random bits; a session
 * ends after 30 idle minutes or 12 hours in all.
 */
@Singleton
final class Sessions {
  static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
  static final Duration ABSOLUTE_TIMEOUT = Duration.ofHours(12);

  /** Bounds the memory anonymous visitors can take; logged-in sessions are never evicted. */
  static final int MAX_SESSIONS = 10_000;

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;
  private final SecureRandom random;

  @Inject
  Sessions(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  Session create(boolean authenticated) {
    if (sessions.size() >= MAX_SESSIONS) {
      evict();
    }
    Session session = new Session(token(), token(), authenticated, clock.instant());
    sessions.put(session.id(), session);
    return session;
  }

  /** Finds a live session and records the visit; an expired one is removed. */
  Optional<Session> find(String id) {
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(session, now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    session.touch(now);
    return Optional.of(session);
  }

  void invalidate(String id) {
    sessions.remove(id);
  }

  int size() {
    return sessions.size();
  }

  private void evict() {
    Instant now = clock.instant();
    sessions.values().removeIf(session -> expired(session, now));
    if (sessions.size() >= MAX_SESSIONS) {
      sessions.values().removeIf(session -> !session.authenticated());
    }
  }

  private static boolean expired(Session session, Instant now) {
    return now.isAfter(session.lastSeen().plus(IDLE_TIMEOUT))
        || now.isAfter(session.created().plus(ABSOLUTE_TIMEOUT));
  }

  private String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
