package org.iocsync.testkit;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One way for a fake server to misbehave on a request; scheduled through {@link Faults}.
 *
 * <p>Faults that answer with an error status ({@link #serverError()}, {@link #status(int)}, {@link
 * #badGatewayHtml()}, {@link #htmlPage()}, {@link #rateLimited(Duration)}, {@link
 * #unavailable(Duration)}) stand in for the real answer: the fake does not apply the request.
 * Faults that damage the delivery ({@link #dropBeforeAnswer()}, {@link #dropMidBody()}, {@link
 * #slowBody(int)}, {@link #stall(Duration)}) apply the request first, as a server whose answer is
 * lost on the way would: a write may have happened although the client saw an error.
 */
public final class Fault {
  enum Kind {
    STATUS,
    BAD_GATEWAY_HTML,
    HTML_PAGE,
    DROP_BEFORE_ANSWER,
    DROP_MID_BODY,
    SLOW_BODY,
    STALL
  }

  private final Kind kind;
  private final int status;
  private final long amount;

  private Fault(Kind kind, int status, long amount) {
    this.kind = kind;
    this.status = status;
    this.amount = amount;
  }

  /** A 500 answer with the server's own JSON error body. */
  public static Fault serverError() {
    return status(500);
  }

  /**
   * An answer with {@code code} (400 to 599, including QRadar's 550) and the server's own JSON
   * error body.
   */
  public static Fault status(int code) {
    if (code < 400 || code > 599) {
      throw new IllegalArgumentException("status must be from 400 to 599, was " + code);
    }
    return new Fault(Kind.STATUS, code, -1);
  }

  /** A 502 answer with the HTML page a reverse proxy (nginx) shows when the server is gone. */
  public static Fault badGatewayHtml() {
    return new Fault(Kind.BAD_GATEWAY_HTML, 502, 0);
  }

  /**
   * A 200 answer with an HTML sign-in page instead of JSON, as a misconfigured proxy or single
   * sign-on portal sends.
   */
  public static Fault htmlPage() {
    return new Fault(Kind.HTML_PAGE, 200, 0);
  }

  /** A 429 answer with a {@code Retry-After} header of {@code retryAfter}, in whole seconds. */
  public static Fault rateLimited(Duration retryAfter) {
    return new Fault(Kind.STATUS, 429, seconds(retryAfter));
  }

  /** A 503 answer with a {@code Retry-After} header of {@code retryAfter}, in whole seconds. */
  public static Fault unavailable(Duration retryAfter) {
    return new Fault(Kind.STATUS, 503, seconds(retryAfter));
  }

  /** The request is applied, then the connection is closed before any byte of the answer. */
  public static Fault dropBeforeAnswer() {
    return new Fault(Kind.DROP_BEFORE_ANSWER, 0, 0);
  }

  /**
   * The request is applied; the status line, the headers and part of the body are sent (half of it,
   * at most the first 8 KiB), then the connection is closed.
   */
  public static Fault dropMidBody() {
    return new Fault(Kind.DROP_MID_BODY, 0, 0);
  }

  /** The request is applied; the body trickles out at {@code bytesPerSecond}. */
  public static Fault slowBody(int bytesPerSecond) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("bytesPerSecond must be positive, was " + bytesPerSecond);
    }
    return new Fault(Kind.SLOW_BODY, 0, bytesPerSecond);
  }

  /**
   * The request is applied; nothing is sent for {@code delay} (or until the fake is closed), then
   * the answer follows. A client whose read time-out is shorter sees a time-out.
   */
  public static Fault stall(Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      throw new IllegalArgumentException("delay must be positive, was " + delay);
    }
    return new Fault(Kind.STALL, 0, delay.toMillis());
  }

  private static long seconds(Duration retryAfter) {
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
    }
    return retryAfter.toSeconds();
  }

  Kind kind() {
    return kind;
  }

  int statusCode() {
    return status;
  }

  /** Retry-After seconds (-1 for none), bytes per second or stall milliseconds, by kind. */
  long amount() {
    return amount;
  }

  /** Whether the fake applies the request before the fault damages the answer. */
  boolean appliesRequest() {
    return kind == Kind.DROP_BEFORE_ANSWER
        || kind == Kind.DROP_MID_BODY
        || kind == Kind.SLOW_BODY
        || kind == Kind.STALL;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Fault that
        && kind == that.kind
        && status == that.status
        && amount == that.amount;
  }

  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + status) * 31 + Long.hashCode(amount);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case STATUS ->
          amount >= 0 ? "status " + status + ", Retry-After " + amount : "status " + status;
      case BAD_GATEWAY_HTML -> "502 HTML page";
      case HTML_PAGE -> "200 HTML page";
      case DROP_BEFORE_ANSWER -> "drop before answer";
      case DROP_MID_BODY -> "drop mid-body";
      case SLOW_BODY -> "slow body, " + amount + " bytes/s";
      case STALL -> "stall " + amount + " ms";
    };
  }
}
