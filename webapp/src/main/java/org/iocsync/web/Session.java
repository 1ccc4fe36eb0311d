package org.iocsync.web;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One browser's session: its id (the cookie's value), its CSRF token and whether it logged in. */
final class Session {
  private final String id;
  private final String csrfToken;
  private final boolean authenticated;
  private final Instant created;
  private volatile Instant lastSeen;
  private volatile @Nullable Notice notice;

  /** A message for the next page the session sees, after a form redirected. */
  record Notice(boolean ok, String message) {}

  Session(String id, String csrfToken, boolean authenticated, Instant created) {
    this.id = id;
    this.csrfToken = csrfToken;
    this.authenticated = authenticated;
    this.created = created;
    this.lastSeen = created;
  }

  String id() {
    return id;
  }

  String csrfToken() {
    return csrfToken;
  }

  boolean authenticated() {
    return authenticated;
  }

  Instant created() {
    return created;
  }

  Instant lastSeen() {
    return lastSeen;
  }

  void touch(Instant now) {
    lastSeen = now;
  }

  void notice(boolean ok, String message) {
    notice = new Notice(ok, message);
  }

  /** Takes the pending notice, if any. */
  @Nullable Notice takeNotice() {
    Notice taken = notice;
    notice = null;
    return taken;
  }

  @Override
  public String toString() {
    return "Session{authenticated=" + authenticated + ", created=" + created + '}';
  }
}
