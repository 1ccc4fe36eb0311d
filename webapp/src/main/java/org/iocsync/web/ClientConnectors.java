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

  private static QradarClient qradarClient(ConnectionSettings settings, Secret token) {
    QradarClient.Builder builder =
        QradarClient.builder().baseUrl(settings.url()).token(token.reveal()).http(http(settings));
    String apiVersion = settings.apiVersion();
    if (apiVersion != null) {
      builder.apiVersion(apiVersion);
    }
    return builder.build();
  }

  private static MispClient mispClient(ConnectionSettings settings, Secret key) {
    return MispClient.builder()
        .baseUrl(settings.url())
        .apiKey(key.reveal())
        .http(http(settings))
        .build();
  }

  static HttpSettings http(ConnectionSettings settings) {
    HttpSettings.Builder http = HttpSettings.builder();
    if (!settings.verifyTls()) {
      http.trustAllCertificatesInsecurely();
    }
    String pem = settings.caCertificatePem();
    if (pem != null && settings.verifyTls()) {
      http.trustStore(trustStore(pem));
    }
    return http.build();
  }

  private static KeyStore trustStore(String pem) {
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
