package org.iocsync.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How to reach one server. Secrets (the MISP key, the QRadar token) are not part of it: the store
 * keeps them encrypted, apart.
 *
 * @param url the server's base URL, such as {@code https://misp.example.org}
 * @param apiVersion the QRadar API version to ask for, such as {@code "16.0"}, or null to choose
 *     from what the server offers (always null for MISP)
 * @param verifyTls whether the server's certificate is checked
 * @param caCertificatePem extra certificate authorities to trust, in PEM, or null for the system's
 */
public record ConnectionSettings(
    String url, @Nullable String apiVersion, boolean verifyTls, @Nullable String caCertificatePem) {
  public ConnectionSettings {
    Objects.requireNonNull(url, "url");
  }
}
