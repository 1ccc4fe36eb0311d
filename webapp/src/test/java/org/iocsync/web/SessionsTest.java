package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private final Sessions sessions = new Sessions(clock, new SecureRandom());

  @Test
  void boundsAnonymousSessionsButKeepsLoggedInOnes() {
    Session admin = sessions.create(true);

    for (int i = 0; i < Sessions.MAX_SESSIONS + 10; i++) {
      sessions.create(false);
    }

    assertThat(sessions.size()).isLessThanOrEqualTo(Sessions.MAX_SESSIONS);
    assertThat(sessions.find(admin.id())).contains(admin);
  }

  @Test
  void givesEachSessionItsOwnLongRandomIdAndToken() {
    Session one = sessions.create(false);
    Session two = sessions.create(false);

    assertThat(one.id()).hasSize(43).isNotEqualTo(two.id()).isNotEqualTo(one.csrfToken());
    assertThat(one.csrfToken()).hasSize(43).isNotEqualTo(two.csrfToken());
    assertThat(one.toString()).doesNotContain(one.id()).doesNotContain(one.csrfToken());
  }

  @Test
  void forgetsInvalidatedSessions() {
    Session session = sessions.create(true);

    sessions.invalidate(session.id());

    assertThat(sessions.find(session.id())).isEmpty();
    assertThat(sessions.find("no-such-id")).isEmpty();
  }
}
