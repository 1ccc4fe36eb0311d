package org.iocsync.misp;

/**
 * MISP or a proxy in front of it answered with an error status other than 401, 403 and 404, for
 * example 500, 502 or 504 when the server gave up, 400 when it rejected the request, or a redirect
 * (this client does not follow redirects: a redirected search would lose its filters). Errors of
 * 5xx are usually worth a retry later; every call of this client is safe to repeat.
 */
public final class MispServerException extends MispHttpException {
  private static final long serialVersionUID = 1L;

  MispServerException(String serverUrl, int statusCode, String serverMessage, String message) {
    super(serverUrl, statusCode, serverMessage, message);
  }
}
