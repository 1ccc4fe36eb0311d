package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * A one-time code that the person starting the server reads on its console and types when setting
 * the first admin password, so that nobody else who reaches the page first can take the server.
 */
@Singleton
final class SetupCode {
  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private final String code;

  @Inject
  SetupCode(SecureRandom random) {
    StringBuilder builder = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      if (i > 0 && i % 4 == 0) {
        builder.append('-');
      }
      builder.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    this.code = builder.toString();
  }

  String code() {
    return code;
  }

  boolean matches(String typed) {
    String normalised = typed.trim().toUpperCase(Locale.ROOT);
    return PasswordHasher.constantTimeEquals(normalised, code);
  }

  @Override
  public String toString() {
    return "SetupCode{██}";
  }
}
