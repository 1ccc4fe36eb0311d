package org.iocsync.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Protocol;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;
import okio.Sink;
import okio.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The machinery both fakes share: a MockWebServer whose dispatcher logs every request, injects the
 * scheduled faults, and streams the handler's reply while counting the bytes served.
 */
final class FakeHttpServer implements Closeable {
  /** Answers one request; called concurrently. */
  interface Handler {
    Reply handle(IncomingRequest request);
  }

  /** Renders an error status in the server's own JSON dialect. */
  interface ErrorDialect {
    Reply error(int status, IncomingRequest request, String message);
  }

  static final int LOGGED_BODY_LIMIT = 64 * 1024;
  private static final long CUT_LIMIT = 8 * 1024;

  private final MockWebServer server = new MockWebServer();
  private final Handler handler;
  private final ErrorDialect dialect;
  private final Faults faults = new Faults();
  private final int logLimit;
  private final ArrayDeque<Entry> log = new ArrayDeque<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicLong bytesServed = new AtomicLong();
  private final String url;

  private FakeHttpServer(
      InetAddress address,
      int port,
      @Nullable SSLSocketFactory tls,
      int logLimit,
      Handler handler,
      ErrorDialect dialect)
      throws IOException {
    this.handler = handler;
    this.dialect = dialect;
    this.logLimit = logLimit;

    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    // Streamed bodies are framed as HTTP/1.1 chunks here, so HTTP/2 must stay off.
    server.setProtocols(List.of(Protocol.HTTP_1_1));
    if (tls != null) {
      server.useHttps(tls);
    }
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest recorded) throws InterruptedException {
            // MockWebServer queues every request for takeRequest(); the fakes keep their own log.
            while (server.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
              continue;
            }
            return respond(recorded);
          }
        });
    server.start(address, port);

    String host = address.getHostAddress();
    this.url =
        (tls == null ? "http" : "https")
            + "://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + server.getPort();
  }

  static FakeHttpServer start(
      InetAddress address,
      int port,
      @Nullable SSLSocketFactory tls,
      int logLimit,
      Handler handler,
      ErrorDialect dialect) {
    try {
      return new FakeHttpServer(address, port, tls, logLimit, handler, dialect);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not start a fake server on "
              + address.getHostAddress()
              + ":"
              + port
              + "; choose another port or 0 for any free one",
          e);
    }
  }

  String url() {
    return url;
  }

  int port() {
    return server.getPort();
  }

  Faults faults() {
    return faults;
  }

  int requestCount() {
    return sequence.get();
  }

  long bytesServed() {
    return bytesServed.get();
  }

  List<LoggedRequest> requests() {
    synchronized (log) {
      List<LoggedRequest> snapshot = new ArrayList<>(log.size());
      for (Entry entry : log) {
        snapshot.add(entry.snapshot());
      }
      return snapshot;
    }
  }

  void clearRequests() {
    synchronized (log) {
      log.clear();
    }
  }

  @Override
  public void close() {
    server.close();
  }

  private MockResponse respond(RecordedRequest recorded) {
    IncomingRequest request = IncomingRequest.from(recorded);
    int number = sequence.incrementAndGet();
    Fault fault = faults.pick(request.method, request.rawPath);

    Reply reply;
    if (fault != null && !fault.appliesRequest()) {
      reply = faultReply(fault, request);
    } else {
      reply = handleSafely(request);
    }

    int status = fault == null ? reply.status : faultStatus(fault, reply);
    Entry entry = record(number, request, fault, status);
    return toResponse(reply, fault, entry);
  }

  private Reply handleSafely(IncomingRequest request) {
    try {
      return handler.handle(request);
    } catch (RuntimeException e) {
      return dialect.error(500, request, "The fake server failed: " + e);
    }
  }

  private Reply faultReply(Fault fault, IncomingRequest request) {
    return switch (fault.kind()) {
      case BAD_GATEWAY_HTML ->
          Reply.html(
              502,
              "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                  + "<center><h1>502 Bad Gateway</h1></center>\r\n"
                  + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
      case HTML_PAGE ->
          Reply.html(
              200,
              "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Sign in</title></head>\n<body>\n"
                  + "<h1>Sign in to continue</h1>\n"
                  + "<form method=\"post\" action=\"/auth/login\">\n"
                  + "<input name=\"username\"><input name=\"password\" type=\"password\">\n"
                  + "<button>Sign in</button>\n</form>\n</body>\n</html>\n");
      case STATUS -> {
        Reply reply = dialect.error(fault.statusCode(), request, reason(fault.statusCode()));
        if (fault.amount() >= 0) {
          reply.header("Retry-After", Long.toString(fault.amount()));
        }
        yield reply;
      }
      default -> throw new AssertionError(fault);
    };
  }

  private static int faultStatus(Fault fault, Reply reply) {
    return fault.kind() == Fault.Kind.DROP_BEFORE_ANSWER ? 0 : reply.status;
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 416 -> "Requested Range Not Satisfiable";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 550 -> "Initialization Failure";
      default -> "Error " + status;
    };
  }

  private Entry record(int number, IncomingRequest request, @Nullable Fault fault, int status) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 0; i < request.headers.size(); i++) {
      headers
          .computeIfAbsent(request.headers.name(i).toLowerCase(Locale.ROOT), n -> new ArrayList<>())
          .add(request.headers.value(i));
    }
    long size = request.body.size();
    String body =
        request
            .body
            .substring(0, (int) Math.min(size, LOGGED_BODY_LIMIT))
            .string(StandardCharsets.UTF_8);
    Entry entry =
        new Entry(
            number,
            request.method,
            request.rawPath,
            request.rawQuery,
            headers,
            body,
            size,
            status,
            fault == null ? null : fault.toString());
    if (logLimit > 0) {
      synchronized (log) {
        log.addLast(entry);
        while (log.size() > logLimit) {
          log.removeFirst();
        }
      }
    }
    return entry;
  }

  private MockResponse toResponse(Reply reply, @Nullable Fault fault, Entry entry) {
    MockResponse.Builder builder = new MockResponse.Builder().code(reply.status);
    for (String[] header : reply.headers) {
      builder.addHeader(header[0], header[1]);
    }
    MockResponseBody body = wireBody(reply, entry);

    if (fault != null && fault.kind() == Fault.Kind.DROP_MID_BODY && body != null) {
      builder.socketHandler(socket -> writeCut(body, socket));
      if (body.getContentLength() >= 0) {
        builder.setHeader("Content-Length", body.getContentLength());
      } else {
        builder.setHeader("Transfer-Encoding", "chunked");
      }
      return builder.build();
    }

    if (body != null) {
      builder.body(body);
      if (body.getContentLength() < 0) {
        builder.removeHeader("Content-Length");
        builder.setHeader("Transfer-Encoding", "chunked");
      }
    } else if (reply.status != 204) {
      builder.setHeader("Content-Length", 0);
    }

    if (fault != null) {
      switch (fault.kind()) {
        case DROP_BEFORE_ANSWER -> builder.onResponseStart(new SocketEffect.CloseSocket());
        case SLOW_BODY ->
            builder.throttleBody(Math.max(1, fault.amount() / 10), 100, TimeUnit.MILLISECONDS);
        case STALL -> builder.headersDelay(fault.amount(), TimeUnit.MILLISECONDS);
        default -> {}
      }
    }
    return builder.build();
  }

  private @Nullable MockResponseBody wireBody(Reply reply, Entry entry) {
    if (reply.body != null) {
      okio.ByteString bytes = reply.body;
      return new MockResponseBody() {
        @Override
        public long getContentLength() {
          return bytes.size();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
          sink.write(bytes);
          entry.responseBytes.addAndGet(bytes.size());
          bytesServed.addAndGet(bytes.size());
        }
      };
    }
    Reply.Stream stream = reply.stream;
    if (stream == null) {
      return null;
    }
    return new MockResponseBody() {
      @Override
      public long getContentLength() {
        return -1;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        BufferedSink chunked = Okio.buffer(new ChunkingSink(sink, entry));
        stream.write(chunked);
        chunked.flush();
        // The last chunk; MockWebServer writes the (empty) trailers and the final line after it.
        sink.writeUtf8("0\r\n");
      }
    };
  }

  /** Writes half of the body (at most {@link #CUT_LIMIT} bytes), then closes the connection. */
  private static void writeCut(MockResponseBody body, okio.Socket socket) {
    Buffer head = new Buffer();
    try {
      BufferedSink capped = Okio.buffer(new CappedSink(head, CUT_LIMIT + 1));
      body.writeTo(capped);
      capped.flush();
    } catch (CappedSink.Full | IOException expected) {
      // Either the cap was reached or the body ended: both leave the head to send.
    }
    long cut = head.size() > CUT_LIMIT ? CUT_LIMIT : head.size() / 2;
    try {
      BufferedSink sink = Okio.buffer(socket.getSink());
      sink.write(head, cut);
      sink.flush();
    } catch (IOException ignored) {
      // The client may already be gone; the connection is closed either way.
    } finally {
      socket.cancel();
    }
  }

  /**
   * Makes server sockets whose connections send small writes at once: MockWebServer writes the
   * headers and the body separately, and Nagle's algorithm would hold the body until the client's
   * delayed acknowledgement, some 40 ms per request.
   */
  private static final class NoDelayServerSocketFactory extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket socket = super.accept();
          socket.setTcpNoDelay(true);
          return socket;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      throw new UnsupportedOperationException();
    }
  }

  /** Frames each write as one HTTP/1.1 chunk and counts the payload bytes. */
  private final class ChunkingSink implements Sink {
    private final BufferedSink sink;
    private final Entry entry;

    ChunkingSink(BufferedSink sink, Entry entry) {
      this.sink = sink;
      this.entry = entry;
    }

    @Override
    public void write(Buffer source, long byteCount) throws IOException {
      if (byteCount == 0) {
        return;
      }
      sink.writeHexadecimalUnsignedLong(byteCount);
      sink.writeUtf8("\r\n");
      sink.write(source, byteCount);
      sink.writeUtf8("\r\n");
      entry.responseBytes.addAndGet(byteCount);
      bytesServed.addAndGet(byteCount);
    }

    @Override
    public void flush() throws IOException {
      sink.flush();
    }

    @Override
    public Timeout timeout() {
      return sink.timeout();
    }

    @Override
    public void close() {}
  }

  /** Collects bytes until a cap, then refuses more. */
  private static final class CappedSink implements Sink {
    static final class Full extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Full() {
        super(null, null, false, false);
      }
    }

    private final Buffer buffer;
    private final long cap;

    CappedSink(Buffer buffer, long cap) {
      this.buffer = buffer;
      this.cap = cap;
    }

    @Override
    public void write(Buffer source, long byteCount) {
      long room = cap - buffer.size();
      long taken = Math.min(room, byteCount);
      buffer.write(source, taken);
      if (taken < byteCount) {
        throw new Full();
      }
    }

    @Override
    public void flush() {}

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }

  /** A log entry whose response byte count grows while the body is written. */
  private static final class Entry {
    final int sequence;
    final String method;
    final String path;
    final String query;
    final Map<String, List<String>> headers;
    final String body;
    final long bodySize;
    final int status;
    final @Nullable String fault;
    final AtomicLong responseBytes = new AtomicLong();

    Entry(
        int sequence,
        String method,
        String path,
        String query,
        Map<String, List<String>> headers,
        String body,
        long bodySize,
        int status,
        @Nullable String fault) {
      this.sequence = sequence;
      this.method = method;
      this.path = path;
      this.query = query;
      this.headers = headers;
      this.body = body;
      this.bodySize = bodySize;
      this.status = status;
      this.fault = fault;
    }

    LoggedRequest snapshot() {
      return new LoggedRequest(
          sequence,
          method,
          path,
          query,
          headers,
          body,
          bodySize,
          status,
          fault,
          responseBytes.get());
    }
  }
}
