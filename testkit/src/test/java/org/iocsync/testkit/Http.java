package org.iocsync.testkit;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/** A plain OkHttp client for the fakes' own tests, and JSON helpers. */
final class Http {
  static final MediaType JSON = MediaType.get("application/json");
  static final OkHttpClient CLIENT =
      new OkHttpClient.Builder()
          .readTimeout(Duration.ofSeconds(20))
          .callTimeout(Duration.ofSeconds(60))
          .build();

  /** An answer read to its end. */
  record Answer(int code, Headers headers, String body) {
    Object json() {
      return parse(body);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object() {
      return (Map<String, Object>) json();
    }

    @SuppressWarnings("unchecked")
    List<Object> array() {
      return (List<Object>) json();
    }

    @Nullable String header(String name) {
      return headers.get(name);
    }
  }

  private Http() {}

  static Answer call(Request request) throws IOException {
    try (Response response = CLIENT.newCall(request).execute()) {
      return new Answer(response.code(), response.headers(), response.body().string());
    }
  }

  static Request.Builder request(String url) {
    return new Request.Builder().url(url);
  }

  static RequestBody json(String json) {
    return RequestBody.create(json, JSON);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object json) {
    return (Map<String, Object>) json;
  }

  static Object parse(String json) {
    try (JsonReader reader = JsonReader.of(new Buffer().writeUtf8(json))) {
      return reader.readJsonValue();
    } catch (IOException e) {
      throw new UncheckedIOException("Not JSON: " + json, e);
    }
  }

  /** A clock tests move by hand. */
  static final class ManualClock implements InstantSource {
    private final AtomicReference<Instant> now;

    ManualClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    void set(Instant instant) {
      now.set(instant);
    }

    void advance(Duration duration) {
      now.updateAndGet(instant -> instant.plus(duration));
    }
  }
}
