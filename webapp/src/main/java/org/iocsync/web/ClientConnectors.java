package org.iocsync.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Set;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.IndicatorSource;
import org.iocsync.core.MispIndicatorSource;
import org.iocsync.core.QradarSetTarget;
import org.iocsync.core.SetTarget;
import org.iocsync.http.HttpSettings;
import org.iocsync.misp.MispClient;
import org.iocsync.qradar.ConnectionCheck;
import org.iocsync.qradar.QradarClient;

/** Reaches the real servers through the MISP and QRadar clients and the core's adapters. */
final class ClientConnectors implements Connectors {
  private final OutboundSettings outbound;

  /** Connectors that trust the JDK's authorities and use no proxy unless a connection says so. */
  ClientConnectors() {
    this(OutboundSettings.NONE);
  }

  /** Connectors whose connections leave through {@code outbound}'s proxy and CA bundle. */
  ClientConnectors(OutboundSettings outbound) {
    this.outbound = outbound;
  }

  @Override
  public IndicatorSource misp(ConnectionSettings settings, Secret key) {
    return new MispIndicatorSource(mispClient(settings, key));
  }

  @Override
  public SetTarget qradar(ConnectionSettings settings, Secret token) {
    return new QradarSetTarget(qradarClient(settings, token));
  }

  @Override
  public String testMisp(ConnectionSettings settings, Secret key) {
    return "MISP " + mispClient(settings, key).version().version();
  }

  @Override
  public Set<String> mispTypes(ConnectionSettings settings, Secret key) {
    return Set.copyOf(mispClient(settings, key).describeTypes().types());
  }

  @Override
  public String testQradar(ConnectionSettings settings, Secret token) {
    QradarClient.Builder builder =
        QradarClient.builder().baseUrl(settings.url()).token(token.reveal()).http(http(settings));
    String apiVersion = settings.apiVersion();
    if (apiVersion != null) {
      builder.apiVersion(apiVersion);
    }
    ConnectionCheck check = builder.build().testConnection();
    return "QRadar API "
        + check.version()
        + (check.versionDeprecated() ? " (deprecated)" : "")
        + ", "
        + check.api().name().toLowerCase(Locale.ROOT).replace('_', ' ')
        + " reference data API";
  }

  private QradarClient qradarClient(ConnectionSettings settings, Secret token) {
    QradarClient.Builder builder =
        QradarClient.builder().baseUrl(settings.url()).token(token.reveal()).http(http(settings));
    String apiVersion = settings.apiVersion();
    if (apiVersion != null) {
      builder.apiVersion(apiVersion);
    }
    return builder.build();
  }

  private MispClient mispClient(ConnectionSettings settings, Secret key) {
    return MispClient.builder()
        .baseUrl(settings.url())
        .apiKey(key.reveal())
        .http(http(settings))
        .build();
  }

  private HttpSettings http(ConnectionSettings settings) {
    return outbound.httpSettings(settings);
  }

  /**
   * A trust store of the authorities in a PEM text.
   *
   * @throws IllegalArgumentException when the text holds no readable certificate
   */
  static KeyStore trustStore(String pem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        store.setCertificateEntry("ca-" + index++, certificate);
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "The CA certificate cannot be read: " + e.getMessage() + "; paste it in PEM form", e);
    }
  }
}
