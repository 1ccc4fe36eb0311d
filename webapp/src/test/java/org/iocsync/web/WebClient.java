package org.iocsync.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A browser-like HTTP client for tests: keeps cookies, never follows redirects. */
final class WebClient {
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final MediaType JSON = MediaType.get("application/json");

  private final String base;
  private final OkHttpClient http =
      new OkHttpClient.Builder().followRedirects(false).callTimeout(Duration.ofSeconds(30)).build();
  private final Map<String, String> cookies = new LinkedHashMap<>();

  WebClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** One answer, read in full. */
  record Answer(int code, Headers headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    List<String> cookiesSet() {
      return headers.values("Set-Cookie");
    }

    /** The CSRF token of the page's first form. */
    String csrf() {
      Matcher matcher = CSRF.matcher(body);
      if (!matcher.find()) {
        throw new AssertionError("No CSRF field in: " + body);
      }
      return matcher.group(1);
    }
  }

  Answer get(String path) {
    return send(new Request.Builder().url(base + path).get(), Map.of());
  }

  Answer postForm(String path, Map<String, String> fields) {
    FormBody.Builder form = new FormBody.Builder();
    fields.forEach(form::add);
    return send(new Request.Builder().url(base + path).post(form.build()), Map.of());
  }

  Answer json(String method, String path, String json, Map<String, String> headers) {
    RequestBody body = method.equals("GET") ? null : RequestBody.create(json, JSON);
    return send(new Request.Builder().url(base + path).method(method, body), headers);
  }

  Answer send(Request.Builder request, Map<String, String> headers) {
    headers.forEach(request::header);
    if (!cookies.isEmpty()) {
      StringBuilder cookie = new StringBuilder();
      cookies.forEach(
          (name, value) ->
              cookie.append(cookie.length() == 0 ? "" : "; ").append(name + "=" + value));
      request.header("Cookie", cookie.toString());
    }
    try (Response response = http.newCall(request.build()).execute()) {
      for (String setCookie : response.headers("Set-Cookie")) {
        String pair = setCookie.split(";", 2)[0];
        String name = pair.substring(0, pair.indexOf('='));
        String value = pair.substring(pair.indexOf('=') + 1);
        if (value.isEmpty() || setCookie.contains("Max-Age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return new Answer(response.code(), response.headers(), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, String> cookies() {
    return cookies;
  }

  void forgetCookies() {
    cookies.clear();
  }

  void setCookie(String name, String value) {
    cookies.put(name, value);
  }
}
