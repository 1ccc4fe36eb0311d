package org.iocsync.misp;

import java.io.IOException;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * Fails a successful answer longer than a limit, so that a server that answers without end (or a
 * page of absurd size) costs bounded time and memory rather than a read for ever or a full heap. It
 * also tells whether the answer came to its end as its framing says, which a connection that broke
 * does not.
 */
final class BoundedAnswer extends ForwardingSource {
  private final long maxBytes;
  private long read;
  private boolean ended;

  BoundedAnswer(Source delegate, long maxBytes) {
    super(delegate);
    this.maxBytes = maxBytes;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    long n = super.read(sink, byteCount);
    if (n == -1) {
      ended = true;
    }
    if (n > 0) {
      read += n;
      if (read > maxBytes) {
        throw new MalformedJson(
            null,
            "an answer longer than "
                + maxBytes
                + " bytes, where the client stopped reading (a server that answers without end, or"
                + " a page too large: lower the page size)");
      }
    }
    return n;
  }

  /** Whether the whole answer, as its length or last chunk says, has been read. */
  boolean ended() {
    return ended;
  }
}
