package org.iocsync.web;

/** A key or token, kept out of every {@code toString()}, message and log line. */
final class Secret {
  private final String value;

  Secret(String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("A secret cannot be empty");
    }
    this.value = value;
  }

  /** The secret itself, to hand to a client; never to print. */
  String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "██";
  }
}
