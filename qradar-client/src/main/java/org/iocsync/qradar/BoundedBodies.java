package org.iocsync.qradar;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * Bounds every response body, so that a server that answers without end, or ignores the requested
 * range, causes an error rather than an exhausted heap. Of an error answer only the start is kept:
 * that is all a message uses, and a proxy's error page has no size limit.
 */
final class BoundedBodies implements Interceptor {
  /** The most a successful answer may hold: a page of long values fits many times over. */
  static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

  /** The most of an error answer that is read; the rest is left unread. */
  static final long MAX_ERROR_BODY_BYTES = 1024L * 1024;

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (!response.isSuccessful()) {
      ResponseBody start = response.peekBody(MAX_ERROR_BODY_BYTES);
      response.close();
      return response.newBuilder().body(start).build();
    }
    return response.newBuilder().body(new BoundedBody(response.body(), MAX_BODY_BYTES)).build();
  }

  /** Thrown while reading a body that is larger than its bound. */
  static final class BodyTooLargeException extends IOException {
    final long limit;

    BodyTooLargeException(long limit) {
      super("the answer is larger than " + limit + " bytes");
      this.limit = limit;
    }
  }

  private static final class BoundedBody extends ResponseBody {
    private final ResponseBody delegate;
    private final BufferedSource source;

    BoundedBody(ResponseBody delegate, long limit) {
      this.delegate = delegate;
      this.source =
          Okio.buffer(
              new ForwardingSource(delegate.source()) {
                private long read;

                @Override
                public long read(Buffer sink, long byteCount) throws IOException {
                  long n = super.read(sink, byteCount);
                  if (n > 0) {
                    read += n;
                    if (read > limit) {
                      throw new BodyTooLargeException(limit);
                    }
                  }
                  return n;
                }
              });
    }

    @Override
    public @Nullable MediaType contentType() {
      return delegate.contentType();
    }

    @Override
    public long contentLength() {
      return delegate.contentLength();
    }

    @Override
    public BufferedSource source() {
      return source;
    }
  }
}
