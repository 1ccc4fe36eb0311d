package org.iocsync.misp;

import org.jspecify.annotations.Nullable;

/**
 * The root of every failure a {@link MispClient} call reports. Catch a subclass to tell who must
 * act: {@link MispAuthenticationException} (fix the key or its rights), {@link
 * MispNotFoundException} (fix the id or the base URL), {@link MispServerException} (the server or
 * its proxy failed; retry later), {@link MispMalformedResponseException} (something that is not
 * MISP answered, or MISP sent data this client cannot read) and {@link MispTransportException} (the
 * network, TLS or a time-out; retry later). Messages name the server and never contain the API key.
 */
public abstract class MispException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String serverUrl;

  MispException(String serverUrl, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.serverUrl = serverUrl;
  }

  /** The base URL of the MISP server the failed call went to. */
  public String serverUrl() {
    return serverUrl;
  }
}
