package org.iocsync.qradar;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Adds the credentials, {@code Accept: application/json} unless the call names another, and, once
 * it is known, the {@code Version} header.
 */
final class QradarHeaders implements Interceptor {
  private final String authHeader;
  private final String authValue;
  private final @Nullable String version;

  QradarHeaders(String authHeader, String authValue, @Nullable String version) {
    this.authHeader = authHeader;
    this.authValue = authValue;
    this.version = version;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request.Builder request = chain.request().newBuilder().header(authHeader, authValue);
    if (chain.request().header("Accept") == null) {
      request.header("Accept", "application/json");
    }
    if (version != null) {
      request.header("Version", version);
    }
    return chain.proceed(request.build());
  }
}
