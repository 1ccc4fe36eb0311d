package org.iocsync.misp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Adds the API key and the JSON headers to every call. MISP needs the content type even on a body
 * it parses anyway: without it, a search ignores its filters and returns everything.
 */
final class MispHeaders implements Interceptor {
  private final String apiKey;

  MispHeaders(String apiKey) {
    this.apiKey = apiKey;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    return chain.proceed(
        chain
            .request()
            .newBuilder()
            .header("Authorization", apiKey)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .build());
  }

  @Override
  public String toString() {
    return "MispHeaders{Authorization=██}";
  }
}
