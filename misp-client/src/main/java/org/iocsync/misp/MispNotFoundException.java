package org.iocsync.misp;

/**
 * MISP answered HTTP 404: the event does not exist (or the key may not see it), or the base URL
 * does not point at MISP's root.
 */
public final class MispNotFoundException extends MispHttpException {
  private static final long serialVersionUID = 1L;

  MispNotFoundException(String serverUrl, String serverMessage, String message) {
    super(serverUrl, 404, serverMessage, message);
  }
}
