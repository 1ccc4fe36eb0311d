package org.iocsync.qradar;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.Moshi;
import java.io.EOFException;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;
import org.iocsync.http.BodyExcerpt;
import org.jspecify.annotations.Nullable;
import retrofit2.Converter;
import retrofit2.Retrofit;

/**
 * Reads and writes JSON with Moshi, strictly: an answer that is not JSON, is empty, or has another
 * shape fails with a {@link BodyException} that says why, with the JSON path where it applies.
 */
final class JsonConverters extends Converter.Factory {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final long EXCERPT_BYTES = 4096;

  private final Moshi moshi;

  JsonConverters(Moshi moshi) {
    this.moshi = moshi;
  }

  /** An answer body that is not the JSON expected. */
  static final class BodyException extends IOException {
    BodyException(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public @Nullable Converter<ResponseBody, ?> responseBodyConverter(
      Type type, Annotation[] annotations, Retrofit retrofit) {
    JsonAdapter<?> adapter = moshi.adapter(type);
    return body -> read(adapter, body);
  }

  @Override
  public @Nullable Converter<?, RequestBody> requestBodyConverter(
      Type type,
      Annotation[] parameterAnnotations,
      Annotation[] methodAnnotations,
      Retrofit retrofit) {
    JsonAdapter<Object> adapter = moshi.adapter(type);
    return value -> {
      Buffer buffer = new Buffer();
      adapter.toJson(buffer, value);
      return RequestBody.create(buffer.readByteString(), JSON);
    };
  }

  private static Object read(JsonAdapter<?> adapter, ResponseBody body) throws IOException {
    try (body) {
      MediaType type = body.contentType();
      EndTracking tracking = new EndTracking(body.source());
      BufferedSource source = Okio.buffer(tracking);
      if (type != null && !type.subtype().contains("json")) {
        throw new BodyException(
            "the answer is "
                + type.type()
                + "/"
                + type.subtype()
                + ", not JSON: "
                + excerpt(source),
            null);
      }
      if (source.exhausted()) {
        throw new BodyException("the answer is empty where JSON was expected", null);
      }
      JsonReader reader = JsonReader.of(source);
      Object value;
      try {
        value = adapter.fromJson(reader);
        if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
          throw new BodyException("the answer goes on after its JSON at " + reader.getPath(), null);
        }
      } catch (JsonDataException | JsonEncodingException e) {
        throw new BodyException("the answer is not the JSON expected: " + e.getMessage(), e);
      } catch (EOFException e) {
        if (!tracking.ended) {
          throw e; // The connection broke off mid-answer.
        }
        throw new BodyException("the answer ends before its JSON does, at " + reader.getPath(), e);
      }
      if (value == null) {
        throw new BodyException("the answer is JSON null where a value was expected", null);
      }
      return value;
    }
  }

  /**
   * Tells whether a body came to the end its framing announced, which a broken connection does not.
   */
  private static final class EndTracking extends ForwardingSource {
    boolean ended;

    EndTracking(Source delegate) {
      super(delegate);
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      long n = super.read(sink, byteCount);
      if (n == -1) {
        ended = true;
      }
      return n;
    }
  }

  private static String excerpt(BufferedSource source) throws IOException {
    source.request(EXCERPT_BYTES);
    Buffer buffer = source.getBuffer();
    return "«" + BodyExcerpt.of(buffer.readUtf8(Math.min(buffer.size(), EXCERPT_BYTES))) + "»";
  }
}
