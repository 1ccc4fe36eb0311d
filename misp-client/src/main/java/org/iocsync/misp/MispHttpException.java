package org.iocsync.misp;

/** MISP, or a proxy in front of it, answered a call with an HTTP status other than 2xx. */
public abstract class MispHttpException extends MispException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;
  private final String serverMessage;

  MispHttpException(String serverUrl, int statusCode, String serverMessage, String message) {
    super(serverUrl, message, null);
    this.statusCode = statusCode;
    this.serverMessage = serverMessage;
  }

  /** The HTTP status code of the answer, for example 403 or 502. */
  public int statusCode() {
    return statusCode;
  }

  /**
   * MISP's own message from its JSON error body, or else the start of the body on one line (an HTML
   * error page, for instance); empty when the body was empty.
   */
  public String serverMessage() {
    return serverMessage;
  }
}
