package org.iocsync.qradar;

import java.util.List;

/**
 * What {@link QradarClient#testConnection()} found: the credentials were accepted for reading
 * reference sets with the version and API shown.
 *
 * @param versionsOffered the API versions the server offers and has not removed, oldest first
 * @param version the API version the client sends in the {@code Version} header
 * @param versionPinned whether that version was set by the caller rather than chosen
 * @param versionDeprecated whether the server marks that version deprecated
 * @param api the reference data API the client uses: never {@link ReferenceApi#AUTO}
 */
public record ConnectionCheck(
    List<String> versionsOffered,
    String version,
    boolean versionPinned,
    boolean versionDeprecated,
    ReferenceApi api) {

  public ConnectionCheck {
    versionsOffered = List.copyOf(versionsOffered);
  }
}
