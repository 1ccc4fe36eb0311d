package org.iocsync.qradar;

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
 * A response body made as it is sent, never held: a start, pieces up to a size (one piece repeated,
 * or the {@code i}-th piece made by a function), and an end. With a size far beyond any limit it is
 * an answer without end. It counts what it sent, so that a test can tell how far the client read
 * before it hung up.
 */
final class GeneratedBody implements MockResponseBody {
  /** Far beyond every limit of the client: a client still reading there reads for ever. */
  static final long ENDLESS = 4L * BoundedBodies.MAX_BODY_BYTES;

  private static final int CHUNK = 64 * 1024;

  private final byte[] start;
  private final LongFunction<String> pieces;
  private final long repeatedBytes;
  private final byte[] end;
  private final AtomicLong sent = new AtomicLong();
  private final CountDownLatch ended = new CountDownLatch(1);

  GeneratedBody(String start, String piece, long repeatedBytes, String end) {
    this(start, repeat(piece), repeatedBytes, end);
  }

  GeneratedBody(String start, LongFunction<String> pieces, long repeatedBytes, String end) {
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

  /** {@code start}, then {@code piece} until the client hangs up. */
  static GeneratedBody endless(String start, String piece) {
    return new GeneratedBody(start, piece, ENDLESS, "");
  }

  /** {@code start}, then the pieces {@code pieces} makes until the client hangs up. */
  static GeneratedBody endless(String start, LongFunction<String> pieces) {
    return new GeneratedBody(start, pieces, ENDLESS, "");
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

  /** Waits until the server stopped sending, and returns how many bytes it sent. */
  long awaitSent() throws InterruptedException {
    if (!ended.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server was still sending after 30 s: " + sent.get() + " bytes");
    }
    return sent.get();
  }
}
