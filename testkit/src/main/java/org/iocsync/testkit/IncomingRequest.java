package org.iocsync.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** A request as the fakes see it: the raw path split in segments, the query decoded once. */
final class IncomingRequest {
  final String method;
  final String rawPath;
  final String rawQuery;
  final List<String> rawSegments;
  final Map<String, List<String>> query;
  final boolean malformedQuery;
  final Headers headers;
  final ByteString body;

  private IncomingRequest(
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> query,
      boolean malformedQuery,
      Headers headers,
      ByteString body) {
    this.method = method;
    this.rawPath = rawPath;
    this.rawQuery = rawQuery;
    this.query = query;
    this.malformedQuery = malformedQuery;
    this.headers = headers;
    this.body = body;

    List<String> segments = new ArrayList<>(Arrays.asList(rawPath.split("/", -1)));
    if (!segments.isEmpty() && segments.get(0).isEmpty()) {
      segments.remove(0);
    }
    if (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
      segments.remove(segments.size() - 1);
    }
    this.rawSegments = Collections.unmodifiableList(segments);
  }

  static IncomingRequest from(RecordedRequest recorded) {
    String target = recorded.getTarget();
    int question = target.indexOf('?');
    String rawPath = question < 0 ? target : target.substring(0, question);
    String rawQuery = question < 0 ? "" : target.substring(question + 1);
    if (!rawPath.startsWith("/")) {
      // An absolute-form target (as sent to a proxy): keep only the path.
      HttpUrl url = recorded.getUrl();
      rawPath = url.encodedPath();
      String encodedQuery = url.encodedQuery();
      rawQuery = encodedQuery == null ? "" : encodedQuery;
    }

    Map<String, List<String>> query = new LinkedHashMap<>();
    boolean malformed = false;
    if (!rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int equals = pair.indexOf('=');
        String name = Urls.decode(equals < 0 ? pair : pair.substring(0, equals), true);
        String value = equals < 0 ? "" : Urls.decode(pair.substring(equals + 1), true);
        if (name == null || value == null) {
          malformed = true;
          continue;
        }
        query.computeIfAbsent(name, unused -> new ArrayList<>()).add(value);
      }
    }

    ByteString body = recorded.getBody();
    return new IncomingRequest(
        recorded.getMethod().toUpperCase(Locale.ROOT),
        rawPath,
        rawQuery,
        query,
        malformed,
        recorded.getHeaders(),
        body == null ? ByteString.EMPTY : body);
  }

  @Nullable String header(String name) {
    return headers.get(name);
  }

  @Nullable String param(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
