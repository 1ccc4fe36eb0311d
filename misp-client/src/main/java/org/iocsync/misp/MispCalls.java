package org.iocsync.misp;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Map;
import javax.net.ssl.SSLException;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import org.iocsync.http.BodyExcerpt;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.Response;

/**
 * Runs one call and turns its answer into a result or into the {@link MispException} that tells the
 * caller who must act. Every message names the server and what to check, and has the API key cut
 * out, whatever the server sent back.
 */
final class MispCalls {
  /** Reads a successful JSON answer. */
  interface Parser<T> {
    T parse(JsonReader reader, Headers headers) throws IOException;
  }

  private static final int EXCERPT_BYTES = 4096;

  /** The most blank space an answer may start with before it counts as not JSON. */
  private static final int MAX_LEADING_BLANKS = 64 * 1024;

  private final String serverUrl;
  private final String apiKey;
  private final long maxTokenBytes;
  private final long maxAnswerBytes;

  MispCalls(String serverUrl, String apiKey, long maxTokenBytes, long maxAnswerBytes) {
    this.serverUrl = serverUrl;
    this.apiKey = apiKey;
    this.maxTokenBytes = maxTokenBytes;
    this.maxAnswerBytes = maxAnswerBytes;
  }

  <T> T execute(Call<ResponseBody> call, Parser<T> parser) {
    Request request = call.request();
    String what = request.method() + " " + request.url().encodedPath();

    Response<ResponseBody> response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw transport(what, e);
    }
    if (!response.isSuccessful()) {
      throw httpError(what, response);
    }

    try (ResponseBody body = response.body()) {
      if (body == null) {
        throw malformed(what, "$", "an answer without a body");
      }
      String notJson = notJson(body);
      if (notJson != null) {
        throw malformed(what, "$", notJson);
      }
      BoundedAnswer answer = new BoundedAnswer(body.source(), maxAnswerBytes);
      JsonReader reader = JsonReader.of(Okio.buffer(new BoundedTokens(answer, maxTokenBytes)));
      try {
        return parser.parse(reader, response.headers());
      } catch (MalformedJson e) {
        String path = e.path();
        throw malformed(what, path != null ? path : reader.getPath(), e.getMessage());
      } catch (JsonDataException | JsonEncodingException e) {
        throw malformed(what, reader.getPath(), e.getMessage());
      } catch (EOFException e) {
        if (!answer.ended()) {
          throw e; // The connection broke off mid-answer.
        }
        throw malformed(what, reader.getPath(), "an answer that ends before its JSON does");
      }
    } catch (IOException e) {
      throw transport(what, e);
    }
  }

  /**
   * Says why a body cannot be the JSON object every MISP answer is, or returns null when it may be.
   * Looks at the content type and at the first character, without consuming the body.
   */
  private @Nullable String notJson(ResponseBody body) throws IOException {
    MediaType contentType = body.contentType();
    BufferedSource source = body.source();
    if (contentType != null && !contentType.subtype().contains("json")) {
      return contentType.type()
          + "/"
          + contentType.subtype()
          + " instead of JSON: \""
          + excerpt(source)
          + "\"";
    }
    BufferedSource peek = source.peek();
    for (int i = 0; i < MAX_LEADING_BLANKS && !peek.exhausted(); i++) {
      int c = peek.readByte();
      if (c == '{') {
        return null;
      }
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return "text that is not a JSON object: \"" + excerpt(source) + "\"";
      }
    }
    return peek.exhausted()
        ? "an empty answer"
        : "more than " + MAX_LEADING_BLANKS + " bytes of blank space where JSON was expected";
  }

  private MispHttpException httpError(String what, Response<ResponseBody> response) {
    int status = response.code();
    String serverMessage = redact(serverMessage(response.errorBody()));
    String detail = serverMessage.isEmpty() ? "" : ": " + serverMessage;

    if (status == 401 || status == 403) {
      return new MispAuthenticationException(
          serverUrl,
          status,
          serverMessage,
          "MISP at "
              + serverUrl
              + " refused the API key for "
              + what
              + " (HTTP "
              + status
              + detail
              + "). Check that the key is right, not expired or disabled, allowed from this"
              + " address, and that its user has API access and may read this data.");
    }
    if (status == 404) {
      return new MispNotFoundException(
          serverUrl,
          serverMessage,
          "MISP at "
              + serverUrl
              + " found nothing at "
              + what
              + " (HTTP 404"
              + detail
              + "). Check the id, and that the base URL points at MISP's root.");
    }
    String check;
    if (status >= 300 && status < 400) {
      String location = response.headers().get("Location");
      check =
          "The server redirects to "
              + (location == null ? "an unnamed place" : redact(BodyExcerpt.of(location)))
              + "; check the base URL (scheme, host and path): this client does not follow"
              + " redirects.";
    } else if (status >= 500) {
      check =
          "Check MISP's and its proxy's logs, or retry later; a smaller page size helps when the"
              + " server runs out of memory or time.";
    } else {
      check = "Check that the server runs a supported MISP version.";
    }
    return new MispServerException(
        serverUrl,
        status,
        serverMessage,
        "MISP at "
            + serverUrl
            + " answered "
            + what
            + " with HTTP "
            + status
            + (serverMessage.isEmpty() ? "" : " (" + serverMessage + ")")
            + ". "
            + check);
  }

  /** MISP's own message from a JSON error body, or else the start of the body on one line. */
  private static String serverMessage(@Nullable ResponseBody body) {
    if (body == null) {
      return "";
    }
    String text;
    try (body) {
      text = body.string();
    } catch (IOException e) {
      return "";
    }
    try {
      Object json = JsonReader.of(new Buffer().writeUtf8(text)).readJsonValue();
      if (json instanceof Map) {
        Map<?, ?> error = (Map<?, ?>) json;
        for (String field : new String[] {"message", "name"}) {
          Object message = error.get(field);
          if (message instanceof String && !((String) message).isBlank()) {
            return BodyExcerpt.of((String) message);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON: an HTML error page, for instance. Its start says enough.
    }
    return BodyExcerpt.of(text);
  }

  MispMalformedResponseException malformed(String what, String path, String problem) {
    return new MispMalformedResponseException(
        serverUrl,
        path,
        redact(
            "MISP at "
                + serverUrl
                + " answered "
                + what
                + " with "
                + (path.equals("$") ? "" : "JSON this client cannot use at " + path + ": ")
                + problem
                + ". Check that the base URL points at MISP's API itself, not at a login page"
                + " or proxy, and that the server runs a supported MISP version."));
  }

  private MispTransportException transport(String what, IOException e) {
    String cause = redact(e.getClass().getSimpleName() + ": " + e.getMessage());
    String message;
    if (e instanceof SSLException) {
      message =
          "The TLS handshake with MISP at "
              + serverUrl
              + " failed for "
              + what
              + " ("
              + cause
              + "). Check that the server's certificate is trusted (a private CA needs"
              + " HttpSettings.trustPem or trustStore), that it names this host, and any client"
              + " certificate the server requires.";
    } else if (e instanceof ConnectException
        || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException) {
      message =
          "Cannot connect to MISP at "
              + serverUrl
              + " for "
              + what
              + " ("
              + cause
              + "). Check the host name and port, the network, and the proxy settings.";
    } else if (e instanceof InterruptedIOException) {
      message =
          "MISP at "
              + serverUrl
              + " did not answer "
              + what
              + " in time ("
              + cause
              + "). Check the server's load and the connect, read and call time-outs; a smaller"
              + " page size helps. The call is safe to retry.";
    } else {
      message =
          "The connection to MISP at "
              + serverUrl
              + " failed during "
              + what
              + " ("
              + cause
              + "). Check the network and any proxy; the call is safe to retry.";
    }
    return new MispTransportException(serverUrl, message, e);
  }

  private String excerpt(BufferedSource source) throws IOException {
    BufferedSource peek = source.peek();
    peek.request(EXCERPT_BYTES);
    long available = Math.min(EXCERPT_BYTES, peek.getBuffer().size());
    return redact(BodyExcerpt.of(peek.readUtf8(available)));
  }

  /** Cuts the API key out of text that came from the server or the network. */
  private String redact(String text) {
    return text.replace(apiKey, "██");
  }
}
