package org.iocsync.testkit;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import okio.BufferedSink;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/** An answer of a fake: status, headers, and a body that is either fixed or streamed. */
final class Reply {
  static final String JSON = "application/json; charset=UTF-8";

  /** Writes JSON with a Moshi writer. */
  interface JsonContent {
    void write(JsonWriter writer) throws IOException;
  }

  /** Writes a body of unknown length, sent with chunked transfer encoding. */
  interface Stream {
    void write(BufferedSink sink) throws IOException;
  }

  final int status;
  final List<String[]> headers = new ArrayList<>();
  final @Nullable ByteString body;
  final @Nullable Stream stream;

  private Reply(int status, @Nullable ByteString body, @Nullable Stream stream) {
    this.status = status;
    this.body = body;
    this.stream = stream;
  }

  static Reply json(int status, JsonContent content) {
    return new Reply(status, render(content), null).header("Content-Type", JSON);
  }

  static Reply streamedJson(int status, JsonContent content) {
    Stream stream =
        sink -> {
          JsonWriter writer = JsonWriter.of(sink);
          writer.setSerializeNulls(true);
          content.write(writer);
          writer.flush();
        };
    return new Reply(status, null, stream).header("Content-Type", JSON);
  }

  static Reply bytes(int status, String contentType, ByteString body) {
    return new Reply(status, body, null).header("Content-Type", contentType);
  }

  static Reply html(int status, String html) {
    return bytes(status, "text/html; charset=UTF-8", ByteString.encodeUtf8(html));
  }

  static Reply noContent() {
    return new Reply(204, null, null);
  }

  static ByteString render(JsonContent content) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.setSerializeNulls(true);
      content.write(writer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readByteString();
  }

  Reply header(String name, String value) {
    headers.add(new String[] {name, value});
    return this;
  }
}
