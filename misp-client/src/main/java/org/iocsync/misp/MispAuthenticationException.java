package org.iocsync.misp;

/**
 * MISP refused the API key (HTTP 401 or 403): the key is wrong, expired or disabled, not allowed
 * from this address, or its user lacks API access or the permission the call needs. Retrying does
 * not help; fix the key or the user's rights in MISP.
 */
public final class MispAuthenticationException extends MispHttpException {
  private static final long serialVersionUID = 1L;

  MispAuthenticationException(
      String serverUrl, int statusCode, String serverMessage, String message) {
    super(serverUrl, statusCode, serverMessage, message);
  }
}
