package org.iocsync.misp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Keeps only the start of an error answer's body. Retrofit reads error bodies into memory whole,
 * and a proxy's error page has no size limit; the start is all an error message uses.
 */
final class BoundedErrorBody implements Interceptor {
  static final long MAX_BYTES = 64 * 1024;

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (response.isSuccessful()) {
      return response;
    }
    ResponseBody start = response.peekBody(MAX_BYTES);
    response.close();
    return response.newBuilder().body(start).build();
  }
}
