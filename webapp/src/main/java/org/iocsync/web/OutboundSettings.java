package org.iocsync.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.http.HttpSettings;
import org.jspecify.annotations.Nullable;

/**
 * How connections leave a QRadar app's container: through the proxy of the console's auto-update
 * settings ({@code QRADAR_HTTPS_PROXY}, {@code https_proxy}, ..., minus the hosts of {@code
 * QRADAR_NO_PROXY} / {@code no_proxy}), trusting the CA bundle the framework names in {@code
 * REQUESTS_CA_BUNDLE}. A connection with its own CA certificate, or with verification off, keeps
 * its own choice.
 *
 * @param httpProxy the proxy for {@code http://} servers, or null for none
 * @param httpsProxy the proxy for {@code https://} servers, or null for none
 * @param noProxy host names, domains ({@code .example.org}), addresses, CIDR ranges and {@code
 *     host:port} entries reached directly; {@code *} for all
 * @param caBundle a PEM file of the authorities to trust instead of the JDK's, or null
 */
record OutboundSettings(
    @Nullable ProxyVariable httpProxy,
    @Nullable ProxyVariable httpsProxy,
    List<String> noProxy,
    @Nullable Path caBundle) {

  /** Nothing from the environment: the JDK's trust and no proxy, as a standalone server has. */
  static final OutboundSettings NONE = new OutboundSettings(null, null, List.of(), null);

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  OutboundSettings {
    noProxy = List.copyOf(noProxy);
  }

  /**
   * Reads the variables the QRadar app framework sets; for each setting the first one present wins,
   * QRadar's own names first.
   */
  static OutboundSettings fromEnvironment(Map<String, String> env) {
    ProxyVariable http = first(env, "QRADAR_HTTP_PROXY", "http_proxy", "HTTP_PROXY");
    ProxyVariable https = first(env, "QRADAR_HTTPS_PROXY", "https_proxy", "HTTPS_PROXY");
    ProxyVariable noProxy = first(env, "QRADAR_NO_PROXY", "no_proxy", "NO_PROXY");
    List<String> exceptions = new ArrayList<>();
    if (noProxy != null) {
      for (String entry : noProxy.value().split("[,\\s]+")) {
        if (!entry.isBlank()) {
          exceptions.add(entry.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    String bundle = env.get("REQUESTS_CA_BUNDLE");
    return new OutboundSettings(
        http,
        https,
        exceptions,
        bundle == null || bundle.isBlank() ? null : Path.of(bundle.trim()));
  }

  /**
   * The HTTP settings for one connection: its own TLS choice, else the CA bundle; and the proxy for
   * its URL's scheme unless {@link #noProxy} names its host.
   *
   * @throws IllegalArgumentException naming the variable when a proxy address or the CA bundle
   *     cannot be used (the value itself is not repeated: it may hold the proxy's password)
   */
  HttpSettings httpSettings(ConnectionSettings connection) {
    HttpSettings.Builder http = HttpSettings.builder();
    String pem = connection.caCertificatePem();
    if (!connection.verifyTls()) {
      http.trustAllCertificatesInsecurely();
    } else if (pem != null) {
      http.trustStore(ClientConnectors.trustStore(pem));
    } else if (caBundle != null) {
      try {
        http.trustPem(caBundle);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "REQUESTS_CA_BUNDLE: " + e.getMessage() + "; point it at a PEM file of certificates",
            e);
      }
    }

    URI url = URI.create(connection.url());
    String scheme = url.getScheme() == null ? "https" : url.getScheme().toLowerCase(Locale.ROOT);
    ProxyVariable proxy = scheme.equals("http") ? httpProxy : httpsProxy;
    String host = url.getHost();
    if (proxy != null && host != null) {
      int port = url.getPort() != -1 ? url.getPort() : scheme.equals("http") ? 80 : 443;
      if (!bypasses(host, port)) {
        proxy.applyTo(http);
      }
    }
    return http.build();
  }

  /** Whether {@link #noProxy} sends connections to this host and port around the proxy. */
  boolean bypasses(String host, int port) {
    String name = unbracket(host.toLowerCase(Locale.ROOT));
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    for (String entry : noProxy) {
      if (entry.equals("*")) {
        return true;
      }
      String pattern = entry;
      String entryPort = null;
      int close = pattern.indexOf(']');
      if (pattern.startsWith("[") && close > 0 && pattern.startsWith(":", close + 1)) {
        entryPort = pattern.substring(close + 2);
        pattern = pattern.substring(0, close + 1);
      } else if (!pattern.startsWith("[")
          && pattern.indexOf(':') == pattern.lastIndexOf(':')
          && pattern.indexOf(':') > 0) {
        entryPort = pattern.substring(pattern.indexOf(':') + 1);
        pattern = pattern.substring(0, pattern.indexOf(':'));
      }
      if (entryPort != null && !entryPort.equals(Integer.toString(port))) {
        continue;
      }
      pattern = unbracket(pattern);
      if (pattern.startsWith("*.")) {
        pattern = pattern.substring(1);
      }
      if (pattern.contains("/")) {
        if (inRange(name, pattern)) {
          return true;
        }
        continue;
      }
      String domain = pattern.startsWith(".") ? pattern.substring(1) : pattern;
      if (!domain.isEmpty() && (name.equals(domain) || name.endsWith("." + domain))) {
        return true;
      }
      if (isAddress(name) && isAddress(domain) && sameAddress(name, domain)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inRange(String host, String cidr) {
    int slash = cidr.indexOf('/');
    String network = cidr.substring(0, slash);
    if (!isAddress(host) || !isAddress(network)) {
      return false;
    }
    try {
      byte[] address = InetAddress.getByName(host).getAddress();
      byte[] base = InetAddress.getByName(network).getAddress();
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      if (address.length != base.length || bits < 0 || bits > address.length * 8) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((address[i / 8] & mask) != (base[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException | NumberFormatException e) {
      return false;
    }
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether a text is an IP literal, so that looking it up asks no name server. */
  private static boolean isAddress(String text) {
    return IPV4.matcher(text).matches() || text.contains(":");
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static @Nullable ProxyVariable first(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return new ProxyVariable(name, value.trim());
      }
    }
    return null;
  }

  /**
   * A proxy variable as the environment gives it, such as {@code http://user:pass@proxy:3128}.
   *
   * @param name the variable's name, for messages
   * @param value its value, which may carry the proxy's credentials and never goes into a message
   */
  record ProxyVariable(String name, String value) {
    void applyTo(HttpSettings.Builder http) {
      String text = value.contains("://") ? value : "http://" + value;
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        throw invalid("is not a proxy address");
      }
      if (!"http".equalsIgnoreCase(uri.getScheme())) {
        throw invalid(
            "names a proxy reached by "
                + uri.getScheme()
                + ", which is not supported: give the proxy's http:// address");
      }
      String host = uri.getHost();
      if (host == null) {
        throw invalid("is not a proxy address");
      }
      http.proxy(unbracket(host), uri.getPort() == -1 ? 80 : uri.getPort());
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        String password = colon < 0 ? "" : userInfo.substring(colon + 1);
        http.proxyCredentials(percentDecoded(user), percentDecoded(password).toCharArray());
      }
    }

    /** Decodes {@code %XX} escapes; unlike a form's, a plus sign in a URL's user part is itself. */
    private static String percentDecoded(String text) {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private IllegalArgumentException invalid(String problem) {
      return new IllegalArgumentException(
          name + " " + problem + ": use one such as http://proxy.example.org:3128");
    }

    @Override
    public String toString() {
      return name + "=██";
    }
  }
}
