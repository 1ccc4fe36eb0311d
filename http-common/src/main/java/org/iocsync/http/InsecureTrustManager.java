package org.iocsync.http;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/** Accepts every certificate; used only behind {@code trustAllCertificatesInsecurely()}. */
final class InsecureTrustManager implements X509TrustManager {
  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // Verification is switched off on purpose: the caller asked for it by name.
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) {
    // Verification is switched off on purpose: the caller asked for it by name.
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
