package org.iocsync.qradar;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import org.iocsync.http.BodyExcerpt;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.Response;

/**
 * Runs one call and turns every way it can fail into the {@link QradarException} subtype that says
 * who must act, with a message that names the operation and never a secret.
 */
final class Exchange {
  /** QRadar's codes for a set that does not exist, across both APIs. */
  private static final Set<Integer> SET_NOT_FOUND = Set.of(1002, 11001, 12000, 15000, 20004, 23000);

  private static final Set<Integer> NAME_IN_USE = Set.of(1004, 10006);
  private static final long ERROR_TEXT_BYTES = 64 * 1024;
  private static final int VALUES_IN_MESSAGE = 3;

  private final HttpUrl baseUrl;
  private final @Nullable String version;
  private final Secrets secrets;
  private final JsonAdapter<QradarJson.Error> errorAdapter;

  Exchange(HttpUrl baseUrl, @Nullable String version, Secrets secrets, Moshi moshi) {
    this.baseUrl = baseUrl;
    this.version = version;
    this.secrets = secrets;
    this.errorAdapter = moshi.adapter(QradarJson.Error.class);
  }

  /** What an operation is about, for messages and for the exception chosen. */
  record Op(String action, @Nullable String setName, List<String> values) {
    static Op of(String action) {
      return new Op(action, null, List.of());
    }

    static Op onSet(String action, String setName) {
      return new Op(action, setName, List.of());
    }

    Op withValues(List<String> values) {
      return new Op(action, setName, values);
    }
  }

  /** What QRadar said when it refused a request. */
  record Refusal(
      int status,
      @Nullable Integer code,
      @Nullable String message,
      @Nullable String description,
      String excerpt,
      @Nullable String retryAfter,
      @Nullable String location) {

    /** QRadar's explanation, or what the body looked like when it gave none. */
    String detail() {
      if (message != null && !message.isBlank()) {
        return description != null && !description.isBlank() && !description.equals(message)
            ? message + " (" + description + ")"
            : message;
      }
      if (description != null && !description.isBlank()) {
        return description;
      }
      return excerpt.isEmpty()
          ? "the answer had no body"
          : "the answer was not JSON: «" + excerpt + "»";
    }
  }

  /** Runs a call that must succeed and returns its response. */
  <T> Response<T> execute(Call<T> call, Op op) {
    Response<T> response = send(call, op);
    if (!response.isSuccessful()) {
      throw failure(refusal(response), op);
    }
    return response;
  }

  /** Runs a call that must succeed and answer with a body. */
  <T> T body(Call<T> call, Op op) {
    Response<T> response = execute(call, op);
    T body = response.body();
    if (body == null) {
      throw new QradarMalformedResponseException(
          "QRadar answered " + response.code() + " without a body while " + op.action(),
          response.code(),
          null);
    }
    return body;
  }

  /** Runs a call and returns its response, successful or not; only transport failures throw. */
  <T> Response<T> send(Call<T> call, Op op) {
    try {
      return call.execute();
    } catch (BoundedBodies.BodyTooLargeException e) {
      throw new QradarMalformedResponseException(
          "QRadar's answer while "
              + op.action()
              + " is larger than "
              + e.limit
              + " bytes: the client stopped reading it. A proxy or server that ignores the"
              + " Range header can cause this.",
          0,
          e);
    } catch (JsonConverters.BodyException e) {
      throw new QradarMalformedResponseException(
          "QRadar's answer while "
              + op.action()
              + " cannot be read: "
              + secrets.scrub(String.valueOf(e.getMessage()))
              + ". Check that "
              + baseUrl
              + " is the QRadar console's address.",
          0,
          e);
    } catch (InterruptedIOException e) {
      throw new QradarTransportException(
          "QRadar at "
              + baseUrl
              + " did not answer in time while "
              + op.action()
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() != null ? ": " + secrets.scrub(e.getMessage()) : "")
              + ". Check the server's load and the client's read and call time-outs"
              + " (HttpSettings).",
          e);
    } catch (IOException e) {
      throw new QradarTransportException(
          "Cannot reach QRadar at "
              + baseUrl
              + " while "
              + op.action()
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() != null ? ": " + secrets.scrub(e.getMessage()) : "")
              + ". Check the URL, the network, the proxy and the trusted certificates.",
          e);
    }
  }

  /** Reads QRadar's error answer, bounded, whatever its shape. */
  Refusal refusal(Response<?> response) {
    String text = errorText(response.errorBody());
    QradarJson.Error error = parseError(text);
    String retryAfter = response.headers().get("Retry-After");
    String location = response.headers().get("Location");
    if (error == null || (error.message() == null && error.description() == null)) {
      return new Refusal(
          response.code(), null, null, null, BodyExcerpt.of(text), retryAfter, location);
    }
    return new Refusal(
        response.code(),
        error.code(),
        scrubbed(error.message()),
        scrubbed(error.description()),
        "",
        retryAfter,
        location);
  }

  /** The exception for a refusal: its type says who must act. */
  QradarException failure(Refusal refusal, Op op) {
    int status = refusal.status();
    Integer code = refusal.code();
    String where = " while " + op.action() + ": " + refusal.detail();

    if (status == 401) {
      return new QradarAuthenticationException(
          "QRadar refused the credentials (401)"
              + where
              + ". Check the SEC token (or user and password) and that its authorized service has"
              + " not expired.",
          status,
          code);
    }
    if (status == 403) {
      return new QradarAuthenticationException(
          "QRadar denied access (403)"
              + where
              + ". Give the token's authorized service a user role that may manage reference data.",
          status,
          code);
    }
    if (code != null && SET_NOT_FOUND.contains(code) && op.setName() != null) {
      return new ReferenceSetNotFoundException(
          "QRadar has no reference set named '"
              + op.setName()
              + "' ("
              + status
              + ", code "
              + code
              + ")"
              + where,
          op.setName(),
          status,
          code);
    }
    if (status == 409 && op.setName() != null && (code == null || NAME_IN_USE.contains(code))) {
      return new ReferenceSetExistsException(
          "A reference set named '" + op.setName() + "' exists already (409)" + where,
          op.setName(),
          status,
          code);
    }
    if (status == 410) {
      return new QradarVersionException(
          "QRadar answered 410 Gone"
              + where
              + ". The endpoint was removed from API version "
              + versionText()
              + ": pin an older version or use the other reference data API.",
          status,
          code);
    }
    if (status == 422 && isAboutVersion(refusal)) {
      return new QradarVersionException(
          "QRadar refused API version "
              + versionText()
              + " (422)"
              + where
              + ". Pin a version the server offers with apiVersion(...), or leave it unset.",
          status,
          code);
    }
    if (status == 422) {
      return new ValueRejectedException(
          "QRadar refused "
              + describe(op)
              + " (422"
              + (code != null ? ", code " + code : "")
              + ")"
              + where,
          op.values(),
          status,
          code);
    }
    if (status == 429 || status >= 500) {
      return new QradarServerException(
          "QRadar answered " + status + where + ". Try again later.",
          status,
          code,
          retryAfter(refusal.retryAfter()));
    }
    if (status >= 300 && status < 400) {
      return new QradarException(
          "QRadar answered "
              + status
              + " redirecting to "
              + refusal.location()
              + " while "
              + op.action()
              + ". The client does not follow redirects, which would carry the token elsewhere:"
              + " set the base URL to the console's own https address.",
          status,
          code,
          null);
    }
    return new QradarException(
        "QRadar answered " + status + where + ". Check the base URL " + baseUrl + ".",
        status,
        code,
        null);
  }

  private String versionText() {
    return version != null ? version : "(none sent)";
  }

  private static boolean isAboutVersion(Refusal refusal) {
    if (refusal.code() != null && refusal.code() == 1005) {
      return false;
    }
    String text = (refusal.message() + " " + refusal.description()).toLowerCase(Locale.ROOT);
    return text.contains("version");
  }

  private static String describe(Op op) {
    List<String> values = op.values();
    if (values.isEmpty()) {
      return "the request";
    }
    StringBuilder text = new StringBuilder();
    text.append(values.size() == 1 ? "the value " : values.size() + " values (");
    for (int i = 0; i < Math.min(values.size(), VALUES_IN_MESSAGE); i++) {
      text.append(i > 0 ? ", " : "").append('\'').append(values.get(i)).append('\'');
    }
    if (values.size() > VALUES_IN_MESSAGE) {
      text.append(" and ").append(values.size() - VALUES_IN_MESSAGE).append(" more");
    }
    if (values.size() > 1) {
      text.append(')');
    }
    return text.toString();
  }

  private static @Nullable Duration retryAfter(@Nullable String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private @Nullable String scrubbed(@Nullable String text) {
    return text != null ? secrets.scrub(text) : null;
  }

  private String errorText(@Nullable ResponseBody body) {
    if (body == null) {
      return "";
    }
    try (body) {
      BufferedSource source = body.source();
      source.request(ERROR_TEXT_BYTES);
      Buffer buffer = source.getBuffer();
      return secrets.scrub(buffer.readUtf8(Math.min(buffer.size(), ERROR_TEXT_BYTES)));
    } catch (IOException e) {
      return "";
    }
  }

  private QradarJson.@Nullable Error parseError(String text) {
    if (!text.stripLeading().startsWith("{")) {
      return null;
    }
    try {
      return errorAdapter.fromJson(text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
