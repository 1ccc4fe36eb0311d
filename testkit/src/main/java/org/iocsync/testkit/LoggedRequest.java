package org.iocsync.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One request a fake server received, with what it answered; read through the fakes' {@code
 * requests()}.
 *
 * @param sequence 1 for the first request the fake received, counting every request
 * @param method the HTTP method, upper case
 * @param path the path exactly as sent, still URL-encoded
 * @param query the query string as sent, without {@code ?}; empty when there is none
 * @param headers the request headers, names in lower case, values in the order sent
 * @param body the request body as UTF-8 text, cut after the first 64 KiB
 * @param bodySize the full size of the request body in bytes
 * @param status the status answered; 0 when the connection was dropped before the answer
 * @param fault the injected fault in words, or null when none was
 * @param responseBytes the bytes of response body written when this record was taken
 */
public record LoggedRequest(
    int sequence,
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    String body,
    long bodySize,
    int status,
    @Nullable String fault,
    long responseBytes) {

  /** Copies the header map and its lists. */
  public LoggedRequest {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** The first value of header {@code name} (any case), if it was sent. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The credentials headers ({@code Authorization}, {@code SEC}) are shown as {@code ██}. */
  @Override
  public String toString() {
    StringBuilder shown = new StringBuilder();
    headers.forEach(
        (name, values) -> {
          if (shown.length() > 0) {
            shown.append(", ");
          }
          boolean secret = name.equals("authorization") || name.equals("sec");
          shown.append(name).append('=').append(secret ? "██" : values);
        });
    return "LoggedRequest[#"
        + sequence
        + " "
        + method
        + " "
        + path
        + (query.isEmpty() ? "" : "?" + query)
        + ", headers={"
        + shown
        + "}, bodySize="
        + bodySize
        + ", status="
        + status
        + (fault == null ? "" : ", fault=" + fault)
        + ", responseBytes="
        + responseBytes
        + "]";
  }
}
