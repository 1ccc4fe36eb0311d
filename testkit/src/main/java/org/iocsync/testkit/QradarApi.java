package org.iocsync.testkit;

import static org.iocsync.testkit.QradarHttp.badRange;
import static org.iocsync.testkit.QradarHttp.error;
import static org.iocsync.testkit.QradarHttp.notAllowed;
import static org.iocsync.testkit.QradarHttp.range;
import static org.iocsync.testkit.QradarHttp.unknownResource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Routes and answers the fake QRadar's REST calls, as QRadar's API layer and servlet do. */
final class QradarApi {
  /** An API version the server offers. */
  record Version(String text, int major, int minor, boolean deprecated, boolean removed) {
    boolean atLeast(int wantedMajor) {
      return major >= wantedMajor;
    }

    static int @Nullable [] parse(String text) {
      Matcher m = Pattern.compile("(\\d{1,3})(?:\\.(\\d{1,3}))?").matcher(text.trim());
      return m.matches()
          ? new int[] {
            Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))
          }
          : null;
    }
  }

  private final String token;
  private final @Nullable String basicAuthorization;
  private final List<Version> versions;
  private final Version newest;
  private final QradarHttp http;
  private final LegacyEndpoints legacy;
  private final CollectionEndpoints collections;

  QradarApi(
      QradarStore store,
      String token,
      @Nullable String basicUser,
      @Nullable String basicPassword,
      List<Version> versions,
      int maxPageSize,
      String scheme) {
    this.token = token;
    this.basicAuthorization =
        basicUser == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8));
    this.versions = List.copyOf(versions);
    Version best = null;
    for (Version version : versions) {
      if (!version.removed
          && (best == null
              || version.major > best.major
              || (version.major == best.major && version.minor > best.minor))) {
        best = version;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("versions must offer at least one version not removed");
    }
    this.newest = best;
    this.http = new QradarHttp(maxPageSize, scheme);
    this.legacy = new LegacyEndpoints(store, http);
    this.collections = new CollectionEndpoints(store, http);
  }

  // ---------------------------------------------------------------------------------------------
  // The layers before the API: servlet container, authentication, version, Accept

  Reply handle(IncomingRequest request) {
    String lowerPath = request.rawPath.toLowerCase(Locale.ROOT);
    if (lowerPath.contains("%2f") || lowerPath.contains("%5c") || request.malformedQuery) {
      // The servlet container refuses encoded slashes and bad escapes before QRadar sees them.
      return containerError();
    }
    List<String> segments = new ArrayList<>();
    for (String raw : request.rawSegments) {
      String once = Urls.decode(raw, false);
      if (once == null) {
        return containerError();
      }
      segments.add(once);
    }
    if (segments.isEmpty() || !segments.get(0).equals("api")) {
      return error(404, 1010, "The resource does not exist.", "No resource at " + request.rawPath);
    }

    if (!authorized(request)) {
      String sent = request.header("SEC");
      return error(
          401,
          sent == null ? 11 : 12,
          "",
          sent == null && request.header("Authorization") == null
              ? "No SEC header present in request. Please provide it via \"SEC: token\". You may"
                  + " also use BASIC authentication parameters if this host supports it. e.g."
                  + " \"Authorization: Basic base64Encoding\""
              : "Invalid security token or credentials. Check the authorized service token and"
                  + " that it has not expired.");
    }

    String versionHeader = request.header("Version");
    Version version = newest;
    if (versionHeader != null) {
      int[] wanted = Version.parse(versionHeader);
      Version found = null;
      for (Version offered : versions) {
        if (wanted != null && offered.major == wanted[0] && offered.minor == wanted[1]) {
          found = offered;
        }
      }
      if (found == null) {
        return error(
            422,
            0,
            "The requested version is not valid.",
            "Version "
                + versionHeader
                + " is not a valid version; GET /api/help/versions lists"
                + " the versions this server offers.");
      }
      if (found.removed) {
        return error(
            422,
            0,
            "The requested version has been removed.",
            "Version " + versionHeader + " has been removed and can no longer be used.");
      }
      version = found;
    }

    String mime =
        request.method.equals("DELETE")
                && segments.size() == 4
                && segments.get(1).equals("reference_data_collections")
                && segments.get(2).equals("set_entries")
            ? "text/plain"
            : "application/json";
    if (!acceptable(request.header("Accept"), mime)) {
      return error(
          406,
          0,
          "",
          "The Accept header does not allow " + mime + ", the only type this endpoint produces.");
    }

    Reply reply = route(request, segments, version);
    boolean legacy = segments.size() > 1 && segments.get(1).equals("reference_data");
    if (version.deprecated || (legacy && version.atLeast(20))) {
      reply.header("Deprecated", "true");
    }
    return reply;
  }

  private boolean authorized(IncomingRequest request) {
    String sec = request.header("SEC");
    if (sec != null) {
      return sec.equals(token);
    }
    return basicAuthorization != null && basicAuthorization.equals(request.header("Authorization"));
  }

  private static boolean acceptable(@Nullable String accept, String mime) {
    if (accept == null || accept.isBlank()) {
      return true;
    }
    String type = mime.substring(0, mime.indexOf('/'));
    for (String range : accept.split(",")) {
      String media = range.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (media.equals("*/*") || media.equals(mime) || media.equals(type + "/*")) {
        return true;
      }
    }
    return false;
  }

  private static Reply containerError() {
    return Reply.html(
        400,
        "<!doctype html><html lang=\"en\"><head><title>HTTP Status 400 – Bad Request</title>"
            + "</head><body><h1>HTTP Status 400 – Bad Request</h1><hr class=\"line\" />"
            + "<p><b>Type</b> Exception Report</p><p><b>Message</b> Invalid URI</p>"
            + "<p><b>Description</b> The server cannot or will not process the request due to"
            + " something that is perceived to be a client error.</p></body></html>");
  }

  // ---------------------------------------------------------------------------------------------
  // Routing

  private Reply route(IncomingRequest request, List<String> path, Version version) {
    int size = path.size();
    String method = request.method;
    String area = size > 1 ? path.get(1) : "";

    if (area.equals("help") && size == 3 && path.get(2).equals("versions")) {
      return method.equals("GET") ? versions(request) : notAllowed();
    }
    if (area.equals("system")
        && size == 5
        && path.get(2).equals("task_management")
        && path.get(3).equals("tasks")) {
      return method.equals("GET") ? legacy.legacyTask(path.get(4)) : notAllowed();
    }
    if (area.equals("reference_data")) {
      return legacy.route(request, path, version);
    }
    if (area.equals("reference_data_collections")) {
      if (!version.atLeast(16)) {
        return error(
            404,
            1010,
            "The resource does not exist in this version.",
            "reference_data_collections endpoints exist from API version 16.0; this request asked"
                + " for "
                + version.text
                + ".");
      }
      return collections.route(request, path);
    }
    return unknownResource(request);
  }

  // ---------------------------------------------------------------------------------------------
  // help

  private Reply versions(IncomingRequest request) {
    QradarHttp.Range range = range(request);
    if (range == null && request.header("Range") != null) {
      return badRange();
    }
    FieldSelection fields = FieldSelection.parse(request.param("fields"));
    return http.list(
        range,
        versions.size(),
        (writer, index) -> {
          Version version = versions.get(index);
          writer.beginObject();
          if (fields.wants("id")) {
            writer.name("id").value(index + 1);
          }
          if (fields.wants("version")) {
            writer.name("version").value(version.text);
          }
          if (fields.wants("deprecated")) {
            writer.name("deprecated").value(version.deprecated);
          }
          if (fields.wants("removed")) {
            writer.name("removed").value(version.removed);
          }
          if (fields.wants("root_resource_ids")) {
            writer.name("root_resource_ids").beginArray().value(index * 100L + 1).endArray();
          }
          writer.endObject();
        });
  }
}
