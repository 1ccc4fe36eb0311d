package org.iocsync.http;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.logging.HttpLoggingInterceptor;
import org.jspecify.annotations.Nullable;

/**
 * How a client reaches its server: which certificates it trusts, which it presents, the proxy it
 * goes through, its time-outs and an optional logger. One instance can serve several clients.
 *
 * <p>TLS is verified against the system's trusted authorities unless {@link Builder#trustPem(Path)}
 * or {@link Builder#trustStore(KeyStore)} names others, which then replace them. {@link
 * Builder#trustAllCertificatesInsecurely()} switches verification off for laboratories; it logs a
 * warning the first time a client is built with it.
 */
public final class HttpSettings {
  private static final System.Logger LOGGER = System.getLogger(HttpSettings.class.getName());
  private static final AtomicBoolean INSECURE_WARNING_LOGGED = new AtomicBoolean();

  /**
   * The default bound on one whole call: long enough for the largest page or bulk load, short
   * enough that a server trickling its answer a byte at a time cannot hold a sync for ever.
   */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(5);

  private static final HttpSettings DEFAULTS = builder().build();

  private final @Nullable KeyStore trustStore;
  private final @Nullable KeyStore clientKeyStore;
  private final char @Nullable [] clientKeyPassword;
  private final boolean insecure;
  private final @Nullable Proxy proxy;
  private final @Nullable String proxyAuthorization;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final @Nullable OkHttpClient sharedClient;
  private final HttpLoggingInterceptor.@Nullable Logger httpLogger;

  private HttpSettings(Builder builder) {
    this.trustStore = builder.trustStore;
    this.clientKeyStore = builder.clientKeyStore;
    this.clientKeyPassword = builder.clientKeyPassword;
    this.insecure = builder.insecure;
    this.proxy = builder.proxy;
    this.proxyAuthorization = builder.proxyAuthorization;
    this.connectTimeout = builder.connectTimeout;
    this.readTimeout = builder.readTimeout;
    this.callTimeout = builder.callTimeout;
    this.sharedClient = builder.sharedClient;
    this.httpLogger = builder.httpLogger;
  }

  /**
   * Returns settings with every default: system trust, no proxy, no logger, connect time-out 10 s,
   * read time-out 60 s, call time-out {@link #DEFAULT_CALL_TIMEOUT}.
   */
  public static HttpSettings defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The time allowed to open a connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The longest silence allowed while reading an answer. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** The time allowed for a whole call, or zero for none. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Whether certificate and host name verification are switched off. */
  public boolean insecure() {
    return insecure;
  }

  /**
   * Builds an HTTP client with these settings. When a logger is set, the named headers (and the
   * proxy's credentials) are shown as {@code ██} in what it logs.
   *
   * @param sensitiveHeaders the names of the headers that carry the caller's secrets
   */
  public OkHttpClient newClient(Set<String> sensitiveHeaders) {
    OkHttpClient.Builder client =
        sharedClient != null ? sharedClient.newBuilder() : new OkHttpClient.Builder();
    client
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .writeTimeout(readTimeout)
        .callTimeout(callTimeout);

    if (insecure) {
      if (INSECURE_WARNING_LOGGED.compareAndSet(false, true)) {
        LOGGER.log(
            Level.WARNING,
            "TLS certificate verification is switched off: anyone on the network path can read"
                + " and change this traffic, keys included. Trust the server's CA instead.");
      }
      X509TrustManager trustEverything = new InsecureTrustManager();
      client.sslSocketFactory(
          sslContext(keyManagers(), trustEverything).getSocketFactory(), trustEverything);
      client.hostnameVerifier((hostname, session) -> true);
    } else if (trustStore != null || clientKeyStore != null) {
      X509TrustManager trustManager = trustManager(trustStore);
      client.sslSocketFactory(
          sslContext(keyManagers(), trustManager).getSocketFactory(), trustManager);
    }

    if (proxy != null) {
      client.proxy(proxy);
      String authorization = proxyAuthorization;
      if (authorization != null) {
        client.proxyAuthenticator(
            (route, response) ->
                response.request().header("Proxy-Authorization") != null
                    ? null
                    : response
                        .request()
                        .newBuilder()
                        .header("Proxy-Authorization", authorization)
                        .build());
      }
    }

    if (httpLogger != null) {
      HttpLoggingInterceptor logging = new HttpLoggingInterceptor(httpLogger);
      logging.setLevel(HttpLoggingInterceptor.Level.HEADERS);
      for (String header : sensitiveHeaders) {
        logging.redactHeader(header);
      }
      logging.redactHeader("Proxy-Authorization");
      logging.redactHeader("Cookie");
      logging.redactHeader("Set-Cookie");
      client.addNetworkInterceptor(logging);
    }
    return client.build();
  }

  private KeyManager @Nullable [] keyManagers() {
    if (clientKeyStore == null) {
      return null;
    }
    try {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(clientKeyStore, clientKeyPassword);
      return factory.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "The client certificate's key store cannot be used: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(@Nullable KeyStore trusted) {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager) {
          return (X509TrustManager) manager;
        }
      }
      throw new IllegalStateException("The JDK offers no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("The trust store cannot be used: " + e.getMessage(), e);
    }
  }

  private static SSLContext sslContext(
      KeyManager @Nullable [] keyManagers, X509TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JDK: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "HttpSettings{trust="
        + (insecure ? "NONE (insecure)" : trustStore != null ? "custom" : "system")
        + ", clientCertificate="
        + (clientKeyStore != null)
        + ", proxy="
        + (proxy != null ? proxy.address() : "none")
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + ", callTimeout="
        + callTimeout
        + '}';
  }

  /** Collects settings; every one is optional. */
  public static final class Builder {
    private @Nullable KeyStore trustStore;
    private @Nullable KeyStore clientKeyStore;
    private char @Nullable [] clientKeyPassword;
    private boolean insecure;
    private @Nullable Proxy proxy;
    private @Nullable String proxyAuthorization;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private @Nullable OkHttpClient sharedClient;
    private HttpLoggingInterceptor.@Nullable Logger httpLogger;

    private Builder() {}

    /**
     * Trusts exactly the certificates in a PEM file (one or more {@code BEGIN CERTIFICATE} blocks),
     * typically a private certificate authority.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public Builder trustPem(Path pemFile) {
      Collection<? extends Certificate> certificates;
      try (InputStream in = Files.newInputStream(pemFile)) {
        certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "Cannot read CA certificates from " + pemFile + ": " + e.getMessage(), e);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("No certificate found in " + pemFile);
      }
      try {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) {
          X509Certificate x509 = (X509Certificate) certificate;
          store.setCertificateEntry("ca-" + index++, x509);
        }
        this.trustStore = store;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("Cannot build a trust store: " + e.getMessage(), e);
      }
      return this;
    }

    /** Trusts exactly the certificates of a key store. */
    public Builder trustStore(KeyStore trustStore) {
      this.trustStore = trustStore;
      return this;
    }

    /** Presents the key and certificate of a key store to servers that ask for one (mutual TLS). */
    public Builder clientCertificate(KeyStore keyStore, char[] password) {
      this.clientKeyStore = keyStore;
      this.clientKeyPassword = password.clone();
      return this;
    }

    /**
     * Presents the key and certificate of a PKCS #12 file to servers that ask for one.
     *
     * @throws IllegalArgumentException if the file cannot be read with that password
     */
    public Builder clientCertificatePkcs12(Path file, char[] password) {
      try (InputStream in = Files.newInputStream(file)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, password);
        return clientCertificate(store, password);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(
            "Cannot read the client certificate " + file + ": " + e.getMessage(), e);
      }
    }

    /**
     * Accepts any certificate for any host name. Only for laboratories: anyone on the network path
     * can then read the keys a client sends. A warning is logged once.
     */
    public Builder trustAllCertificatesInsecurely() {
      this.insecure = true;
      return this;
    }

    /** Sends every request through an HTTP proxy (HTTPS is tunnelled with CONNECT). */
    public Builder proxy(String host, int port) {
      if (host.isBlank()) {
        throw new IllegalArgumentException("proxy host is blank");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("proxy port " + port + " is not within 1..65535");
      }
      this.proxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
      return this;
    }

    /** Answers the proxy's authentication challenge with basic credentials. */
    public Builder proxyCredentials(String user, char[] password) {
      this.proxyAuthorization = Credentials.basic(user, new String(password));
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive("readTimeout", timeout);
      return this;
    }

    /**
     * Bounds each call as a whole ({@link #DEFAULT_CALL_TIMEOUT} unless set); zero means no bound
     * beyond the read time-out, which a server trickling its answer never lets fire.
     */
    public Builder callTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("callTimeout is negative: " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /** Builds clients from this one, sharing its connection pool and dispatcher. */
    public Builder okHttpClient(OkHttpClient client) {
      this.sharedClient = client;
      return this;
    }

    /** Logs each request and response line with its headers, secrets redacted; never bodies. */
    public Builder httpLogger(HttpLoggingInterceptor.Logger logger) {
      this.httpLogger = logger;
      return this;
    }

    public HttpSettings build() {
      if (insecure && trustStore != null) {
        throw new IllegalArgumentException(
            "trustAllCertificatesInsecurely and a trusted CA exclude each other: choose one");
      }
      return new HttpSettings(this);
    }

    private static Duration positive(String name, Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + timeout);
      }
      return timeout;
    }
  }
}
