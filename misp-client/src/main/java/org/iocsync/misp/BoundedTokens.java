package org.iocsync.misp;

import java.io.IOException;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * Fails a JSON answer holding one token (a string, a name or a number) longer than a limit, before
 * it fills the heap. The JSON reader buffers a token until it finds its end, so the buffer it asks
 * this source to refill is never much longer than the token being read; a buffer over the limit
 * means a token over it.
 */
final class BoundedTokens extends ForwardingSource {
  private final long maxTokenBytes;

  BoundedTokens(Source delegate, long maxTokenBytes) {
    super(delegate);
    this.maxTokenBytes = maxTokenBytes;
  }

  @Override
  public long read(Buffer sink, long byteCount) throws IOException {
    if (sink.size() > maxTokenBytes) {
      throw new MalformedJson(null, "a value longer than " + maxTokenBytes + " bytes");
    }
    return super.read(sink, byteCount);
  }
}
