package org.iocsync.misp;

import java.io.IOException;

/**
 * A call did not get a complete answer: the connection was refused or dropped, a time-out expired,
 * the TLS handshake failed (an untrusted certificate, a wrong host name, a client certificate the
 * server refused), or the call was cancelled. The cause says which. Transient failures are worth a
 * retry; every call of this client is safe to repeat.
 */
public final class MispTransportException extends MispException {
  private static final long serialVersionUID = 1L;

  MispTransportException(String serverUrl, String message, IOException cause) {
    super(serverUrl, message, cause);
  }

  @Override
  public synchronized IOException getCause() {
    return (IOException) super.getCause();
  }
}
