package org.iocsync.qradar;

/**
 * QRadar could not be reached or stopped answering: a refused connection, an unknown host, a TLS
 * failure, a time-out, a connection dropped halfway. Check the URL, the network, the proxy and the
 * trusted certificates; trying again later is reasonable.
 */
public final class QradarTransportException extends QradarException {
  QradarTransportException(String message, Throwable cause) {
    super(message, 0, null, cause);
  }
}
