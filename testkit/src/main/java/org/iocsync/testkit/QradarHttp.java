package org.iocsync.testkit;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** What the fake QRadar's endpoints share: paging with Range, QRadar's error body, parameters. */
final class QradarHttp {
  /** The items a {@code Range: items=x-y} header asks for, both ends included. */
  record Range(long from, long to) {}

  static final Pattern RANGE =
      Pattern.compile("\\s*items\\s*=\\s*(\\d{1,18})\\s*-\\s*(\\d{1,18})\\s*");

  private final int maxPageSize;
  private final String scheme;

  QradarHttp(int maxPageSize, String scheme) {
    this.maxPageSize = maxPageSize;
    this.scheme = scheme;
  }

  interface ItemWriter {
    void write(JsonWriter writer, int index) throws IOException;
  }

  /** A JSON array of the items a Range selects, with Content-Range. */
  Reply list(@Nullable Range range, int total, ItemWriter items) {
    long[] bounds = bounds(range, total);
    return Reply.streamedJson(
            200,
            writer -> {
              writer.beginArray();
              for (long index = bounds[0]; index < bounds[1]; index++) {
                items.write(writer, (int) index);
              }
              writer.endArray();
            })
        .header("Content-Range", contentRange(bounds, total));
  }

  /** The items {@code [from, to)} a Range selects, capped at the page size. */
  long[] bounds(@Nullable Range range, long total) {
    long from = range == null ? 0 : range.from;
    long to = range == null ? total : Math.min(total, range.to + 1);
    if (maxPageSize > 0) {
      to = Math.min(to, from + maxPageSize);
    }
    return from >= to ? new long[] {0, 0} : new long[] {from, to};
  }

  static String contentRange(long[] bounds, long total) {
    return bounds[1] > bounds[0]
        ? "items " + bounds[0] + "-" + (bounds[1] - 1) + "/" + total
        : "items */" + total;
  }

  static @Nullable Range range(IncomingRequest request) {
    String header = request.header("Range");
    if (header == null) {
      return null;
    }
    Matcher m = RANGE.matcher(header);
    if (!m.matches()) {
      return null;
    }
    long from = Long.parseLong(m.group(1));
    long to = Long.parseLong(m.group(2));
    return from <= to ? new Range(from, to) : null;
  }

  static Reply badRange() {
    return error(
        416,
        0,
        "The requested range for the resource is not available.",
        "The Range header must read items=x-y with x <= y, zero-based.");
  }

  /** The second decoding QRadar applies to names and values in paths, '+' included. */
  static @Nullable String decodeAgain(String once) {
    return Urls.decode(once, true);
  }

  static Reply badEncoding(String segment) {
    return invalidParameter(
        "The path segment '"
            + segment
            + "' is not validly URL-encoded once decoded; names and"
            + " values in paths must be URL-encoded twice.");
  }

  static Reply setNotFound(String name) {
    return error(404, 1002, "The reference set does not exist.", name + " does not exist");
  }

  static Reply invalidParameter(String message) {
    return error(422, 1005, "A request parameter is not valid", message);
  }

  static String invalidValue(String value, ElementType type) {
    return "The value \""
        + value
        + "\" is not valid for element type "
        + type.name()
        + ": it must be "
        + type.describe()
        + ".";
  }

  static Reply notAllowed() {
    return error(405, 0, "", "This method type is not currently supported for this resource.");
  }

  static Reply unknownResource(IncomingRequest request) {
    return error(404, 1010, "The resource does not exist.", "No resource at " + request.rawPath);
  }

  String baseUrl(IncomingRequest request) {
    String host = request.header("Host");
    return scheme + "://" + (host == null ? "127.0.0.1" : host);
  }

  static @Nullable Map<?, ?> jsonObject(IncomingRequest request) {
    try (JsonReader reader = JsonReader.of(new Buffer().write(request.body))) {
      return reader.readJsonValue() instanceof Map<?, ?> map ? map : null;
    } catch (IOException | JsonDataException e) {
      return null;
    }
  }

  static @Nullable Integer number(@Nullable Object value) {
    if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < Integer.MAX_VALUE) {
      return d.intValue();
    }
    if (value instanceof String text && text.matches("\\d{1,9}")) {
      return Integer.parseInt(text);
    }
    return null;
  }

  static @Nullable Long seconds(@Nullable Object value) {
    if (value instanceof Double d && d == Math.rint(d) && d > 0) {
      return d.longValue();
    }
    return null;
  }

  static QradarStore.@Nullable Expiry expiry(@Nullable Object value) {
    if (value instanceof String text) {
      for (QradarStore.Expiry expiry : QradarStore.Expiry.values()) {
        if (expiry.name().equals(text)) {
          return expiry;
        }
      }
    }
    return null;
  }

  static QradarStore.SetInfo current(
      QradarStore.@Nullable SetInfo updated, QradarStore.SetInfo before) {
    return updated != null ? updated : before;
  }

  /** QRadar's error body: message, details, description, code and the HTTP response. */
  static Reply error(int status, int code, String description, String message) {
    return Reply.json(
        status,
        writer -> {
          writer.beginObject();
          writer.name("message").value(message);
          writer.name("details").beginObject().endObject();
          writer.name("description").value(description);
          writer.name("code").value(code);
          writer.name("http_response").beginObject();
          writer.name("message").value(httpMessage(status));
          writer.name("code").value(status);
          writer.endObject();
          writer.endObject();
        });
  }

  static String httpMessage(int status) {
    return switch (status) {
      case 400 -> "Invalid syntax for this request was provided.";
      case 401 -> "You are unauthorized to access the requested resource. Please log in.";
      case 403 -> "Your account is not authorized to access the requested resource.";
      case 404 -> "We could not find the resource you requested.";
      case 405 -> "This method type is not currently supported.";
      case 406 -> "Acceptance header is invalid for this endpoint resource.";
      case 409 ->
          "The request could not be completed due to a conflict with the current state of the resource.";
      case 410 -> "The requested resource is no longer available and has been permanently removed.";
      case 416 -> "The requested range for the resource is not available.";
      case 422 ->
          "The request was well-formed but was unable to be followed due to semantic errors.";
      case 429 -> "Too many requests have been sent in a given amount of time.";
      case 500 -> "Unexpected internal server error.";
      case 502 -> "Invalid response received when acting as a proxy or gateway.";
      case 503 -> "The server is currently unavailable.";
      case 504 ->
          "Did not receive a timely response from upstream server while acting as a gateway or proxy.";
      case 550 -> "A failure occurred during initialization of services. API will be unavailable.";
      default -> FakeHttpServer.reason(status);
    };
  }

  /**
   * The filter, decoded a second time if it is still URL-encoded: IBM asks clients to encode query
   * parameters twice, and many encode them once.
   */
  static @Nullable String filterParam(IncomingRequest request) {
    String filter = request.param("filter");
    if (filter != null && filter.matches(".*%[0-9A-Fa-f]{2}.*") && !filter.contains("\"")) {
      String again = Urls.decode(filter, true);
      return again == null ? filter : again;
    }
    return filter;
  }
}
