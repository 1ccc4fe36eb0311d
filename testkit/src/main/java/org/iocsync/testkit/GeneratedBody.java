package org.iocsync.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import mockwebserver3.MockResponseBody;
import okio.Buffer;
import okio.BufferedSink;

/**
 * A MockWebServer response body made as it is sent, never held in memory.
 *
 * <p>It sends a start, then pieces up to a size (one piece repeated, or the {@code i}-th piece made
 * by a function), then an end. With a size far beyond a client's limit it is an answer without
 * end, see {@link #beyond}. It counts what it sent, so that a test can tell how far the client read
 * before it hung up:
 *
 * <pre>{@code
 * GeneratedBody body = GeneratedBody.beyond(MAX_BYTES, "{\"value\":\"", "a");
 * server.enqueue(new MockResponse.Builder().body(body).build());
 * assertThatThrownBy(() -> client.fetch()).isInstanceOf(TooLargeException.class);
 * assertThat(body.awaitSent()).isLessThan(2 * MAX_BYTES);
 * }</pre>
 */
public final class GeneratedBody implements MockResponseBody {
  private static final int CHUNK = 64 * 1024;

  private final byte[] start;
  private final LongFunction<String> pieces;
  private final long repeatedBytes;
  private final byte[] end;
  private final AtomicLong sent = new AtomicLong();
  private final CountDownLatch ended = new CountDownLatch(1);

  /**
   * A body of {@code start}, then {@code piece} repeated until {@code repeatedBytes} bytes of it
   * were sent (the last repetition cut short if needed), then {@code end}.
   */
  public GeneratedBody(String start, String piece, long repeatedBytes, String end) {
    this(start, repeat(piece), repeatedBytes, end);
  }

  /**
   * A body of {@code start}, then {@code pieces.apply(0)}, {@code pieces.apply(1)} and so on until
   * {@code repeatedBytes} bytes of them were sent (the last piece cut short if needed), then {@code
   * end}.
   */
  public GeneratedBody(String start, LongFunction<String> pieces, long repeatedBytes, String end) {
    this.start = start.getBytes(StandardCharsets.UTF_8);
    this.pieces = pieces;
    this.repeatedBytes = repeatedBytes;
    this.end = end.getBytes(StandardCharsets.UTF_8);
  }

  /** The piece repeated to about a kilobyte, so that chunks are made of few pieces. */
  private static LongFunction<String> repeat(String piece) {
    String repeated = piece.repeat(Math.max(1, 1024 / piece.length()));
    return i -> repeated;
  }

  /**
   * Returns a body of {@code start}, then {@code piece} repeated until the client hangs up: it
   * stops after four times {@code clientLimit} bytes, so that a client which ignores its limit of
   * {@code clientLimit} bytes fails its test instead of reading for ever.
   */
  public static GeneratedBody beyond(long clientLimit, String start, String piece) {
    return new GeneratedBody(start, piece, endless(clientLimit), "");
  }

  /**
   * Returns a body of {@code start}, then the pieces {@code pieces} makes until the client hangs
   * up, or four times {@code clientLimit} bytes were sent, as {@link #beyond(long, String,
   * String)}.
   */
  public static GeneratedBody beyond(long clientLimit, String start, LongFunction<String> pieces) {
    return new GeneratedBody(start, pieces, endless(clientLimit), "");
  }

  private static long endless(long clientLimit) {
    if (clientLimit <= 0 || clientLimit > Long.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "clientLimit must be between 1 and Long.MAX_VALUE / 4 bytes, not " + clientLimit);
    }
    return 4 * clientLimit;
  }

  @Override
  public long getContentLength() {
    return -1;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    try {
      write(sink, start);
      Buffer chunk = new Buffer();
      long index = 0;
      long repeated = 0;
      while (repeated < repeatedBytes) {
        while (chunk.size() < CHUNK) {
          chunk.writeUtf8(pieces.apply(index++));
        }
        long length = Math.min(chunk.size(), repeatedBytes - repeated);
        sink.write(chunk, length);
        sink.flush();
        sent.addAndGet(length);
        repeated += length;
        chunk.clear();
      }
      write(sink, end);
    } finally {
      ended.countDown();
    }
  }

  private void write(BufferedSink sink, byte[] bytes) throws IOException {
    sink.write(bytes);
    sink.flush();
    sent.addAndGet(bytes.length);
  }

  /**
   * Waits until the server stopped sending this body, because it ended or the client hung up, and
   * returns how many bytes it sent.
   *
   * @throws AssertionError if the server was still sending after 30 seconds.
   */
  public long awaitSent() throws InterruptedException {
    if (!ended.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server was still sending after 30 s: " + sent.get() + " bytes");
    }
    return sent.get();
  }
}
