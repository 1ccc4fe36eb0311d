package org.iocsync.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A raw-socket HTTP server on 127.0.0.1 for the slow and broken answers MockWebServer cannot give.
 *
 * <p>Each connection gets the next of its answers (the last one again once they run out), one
 * request per connection. An answer sends its start at once, then trickles the rest a byte at a
 * time with a pause between bytes, status line and headers included if they are in the rest; an
 * answer with nothing to trickle then holds the connection open in silence until the client or the
 * server closes it. An answer may also break the connection off once it is sent. The server counts
 * the bytes it sent, so that a test can check that a client gave up early:
 *
 * <pre>{@code
 * try (SlowServer server =
 *     new SlowServer(SlowServer.Answer.silentAfter("HTTP/1.1 200 OK\r\n"))) {
 *   assertThatThrownBy(() -> clientFor(server.url()).fetch())
 *       .isInstanceOf(TimeoutException.class);
 * }
 * }</pre>
 */
public final class SlowServer implements AutoCloseable {
  /**
   * What one connection gets: {@code start} at once, then {@code trickled} a byte every {@code
   * pause}; then silence until the client hangs up, or, if {@code breaksOff}, the connection
   * closed.
   */
  public record Answer(String start, String trickled, Duration pause, boolean breaksOff) {
    /** Sends {@code start} and then nothing, until the client hangs up. */
    public static Answer silentAfter(String start) {
      return new Answer(start, "", Duration.ZERO, false);
    }

    /** Sends {@code start} at once, then {@code trickled} a byte every {@code pause}. */
    public static Answer trickling(String start, String trickled, Duration pause) {
      return new Answer(start, trickled, pause, false);
    }

    /** Sends {@code start}, then closes the connection. */
    public static Answer brokenOffAfter(String start) {
      return new Answer(start, "", Duration.ZERO, true);
    }
  }

  private final ServerSocket socket;
  private final List<Answer> answers;
  private final AtomicLong sent = new AtomicLong();
  private final Thread thread;
  private volatile @Nullable Socket current;

  /**
   * Starts a server on a free port of 127.0.0.1 that gives {@code answers} to its connections in
   * order, the last one again once they run out; {@link #close} stops it.
   *
   * @throws IllegalArgumentException if there is no answer.
   * @throws UncheckedIOException if no port of 127.0.0.1 can be opened.
   */
  public SlowServer(Answer... answers) {
    if (answers.length == 0) {
      throw new IllegalArgumentException("a SlowServer needs at least one answer");
    }
    try {
      this.socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.answers = List.of(answers);
    this.thread = new Thread(this::serve, "slow-server");
    thread.setDaemon(true);
    thread.start();
  }

  /** Returns the server's base URL, {@code http://127.0.0.1:PORT/}. */
  public String url() {
    return "http://127.0.0.1:" + socket.getLocalPort() + "/";
  }

  /** Returns how many bytes the server sent so far, on all connections. */
  public long sent() {
    return sent.get();
  }

  private void serve() {
    for (int served = 0; !socket.isClosed(); served++) {
      Answer answer = answers.get(Math.min(served, answers.size() - 1));
      try (Socket connection = socket.accept()) {
        current = connection;
        InputStream in = connection.getInputStream();
        readRequest(in);
        OutputStream out = connection.getOutputStream();
        write(out, answer.start().getBytes(StandardCharsets.UTF_8));
        for (byte b : answer.trickled().getBytes(StandardCharsets.UTF_8)) {
          Thread.sleep(answer.pause().toMillis());
          write(out, new byte[] {b});
        }
        if (answer.trickled().isEmpty() && !answer.breaksOff()) {
          while (in.read() >= 0) {
            // Silence: wait for the other side to give up.
          }
        }
      } catch (IOException e) {
        // The client hung up, or the server closed: the next connection, if any, starts afresh.
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    sent.addAndGet(bytes.length);
  }

  /** Reads a request's head and, when it announces one, its body. */
  private static void readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the client closed before its request ended");
      }
      head.append((char) b);
    }
    for (String line : head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        in.readNBytes(Integer.parseInt(line.substring(15).trim()));
      }
    }
  }

  /** Stops accepting connections and closes the one being answered, if any. */
  @Override
  public void close() throws IOException {
    socket.close();
    Socket connection = current;
    if (connection != null) {
      connection.close();
    }
    thread.interrupt();
  }
}
