package org.iocsync.qradar;

import java.util.List;

/** The credentials' text, to be scrubbed from anything the server sends back into a message. */
final class Secrets {
  private static final String MASK = "██";

  private final List<String> secrets;

  Secrets(List<String> secrets) {
    this.secrets = secrets.stream().filter(s -> s.length() >= 4).toList();
  }

  String scrub(String text) {
    String scrubbed = text;
    for (String secret : secrets) {
      scrubbed = scrubbed.replace(secret, MASK);
    }
    return scrubbed;
  }
}
