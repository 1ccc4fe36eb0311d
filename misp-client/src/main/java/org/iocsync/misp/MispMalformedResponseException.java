package org.iocsync.misp;

/**
 * An answer with a success status could not be read: it was not JSON (often an HTML login or proxy
 * page, when the base URL points elsewhere), lacked a field this client needs, held a value over
 * {@link MispClient#MAX_VALUE_BYTES}, went on past {@link MispClient#MAX_ANSWER_BYTES}, ended
 * before its JSON did, or broke the paging contract. {@link #jsonPath()} says where in the answer
 * the problem was found.
 */
public final class MispMalformedResponseException extends MispException {
  private static final long serialVersionUID = 1L;

  private final String jsonPath;

  MispMalformedResponseException(String serverUrl, String jsonPath, String message) {
    super(serverUrl, message, null);
    this.jsonPath = jsonPath;
  }

  /**
   * Where in the answer the problem was found, for example {@code $.response.Attribute[3].value},
   * or {@code $} when the answer was not JSON at all.
   */
  public String jsonPath() {
    return jsonPath;
  }
}
