package org.iocsync.web;

import com.squareup.moshi.JsonWriter;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okio.Buffer;
import org.iocsync.core.JobSpec;
import org.jspecify.annotations.Nullable;

/**
 * The job form's fields as typed, so that a form with errors comes back as it was sent. Lists are
 * typed one per line or separated by commas.
 */
record JobFields(
    String name,
    String referenceSet,
    String elementType,
    List<String> types,
    String eventIds,
    String tags,
    String excludeTags,
    boolean toIdsOnly,
    boolean publishedOnly,
    boolean enforceWarninglist,
    String mode,
    String intervalMinutes,
    boolean createSetIfMissing,
    String timeToLive) {

  static JobFields blank() {
    return new JobFields(
        "",
        "",
        "ALNIC",
        List.of(),
        "",
        "",
        "",
        true,
        true,
        false,
        "mirror",
        Integer.toString(JobSpec.DEFAULT_INTERVAL_MINUTES),
        true,
        "");
  }

  static JobFields of(JobSpec spec) {
    String timeToLive = spec.timeToLive();
    return new JobFields(
        spec.name(),
        spec.referenceSet(),
        spec.elementType().name(),
        spec.types(),
        String.join(", ", spec.eventIds()),
        String.join("\n", spec.tags()),
        String.join("\n", spec.excludeTags()),
        spec.toIdsOnly(),
        spec.publishedOnly(),
        spec.enforceWarninglist(),
        spec.mode().name().toLowerCase(Locale.ROOT),
        Integer.toString(spec.intervalMinutes()),
        spec.createSetIfMissing(),
        timeToLive == null ? "" : timeToLive);
  }

  static JobFields of(Context ctx) {
    List<String> types = new ArrayList<>(ctx.formParams("types"));
    types.addAll(Forms.splitList(ctx.formParam("typesText")));
    return new JobFields(
        text(ctx, "name"),
        text(ctx, "referenceSet"),
        text(ctx, "elementType"),
        types.stream().filter(t -> !t.isBlank()).map(String::trim).distinct().toList(),
        text(ctx, "eventIds"),
        text(ctx, "tags"),
        text(ctx, "excludeTags"),
        ctx.formParam("toIdsOnly") != null,
        ctx.formParam("publishedOnly") != null,
        ctx.formParam("enforceWarninglist") != null,
        text(ctx, "mode"),
        text(ctx, "intervalMinutes"),
        ctx.formParam("createSetIfMissing") != null,
        text(ctx, "timeToLive"));
  }

  /** The fields as the API's JSON, to be checked the same way. */
  String toJson() {
    Buffer buffer = new Buffer();
    try (JsonWriter json = JsonWriter.of(buffer)) {
      json.beginObject();
      json.name("name").value(name.trim());
      json.name("referenceSet").value(referenceSet);
      json.name("elementType").value(elementType);
      list(json, "types", types);
      list(json, "eventIds", Forms.splitList(eventIds));
      list(json, "tags", Forms.splitList(tags));
      list(json, "excludeTags", Forms.splitList(excludeTags));
      json.name("toIdsOnly").value(toIdsOnly);
      json.name("publishedOnly").value(publishedOnly);
      json.name("enforceWarninglist").value(enforceWarninglist);
      json.name("mode").value(mode);
      String interval = intervalMinutes.trim();
      json.name("intervalMinutes");
      if (interval.matches("-?\\d{1,9}")) {
        json.value(Long.parseLong(interval));
      } else {
        json.value(interval);
      }
      json.name("createSetIfMissing").value(createSetIfMissing);
      json.name("timeToLive").value(timeToLive.isBlank() ? null : timeToLive.trim());
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readUtf8();
  }

  private static void list(JsonWriter json, String name, List<String> items) throws IOException {
    json.name(name).beginArray();
    for (String item : items) {
      json.value(item);
    }
    json.endArray();
  }

  private static String text(Context ctx, String name) {
    @Nullable String value = ctx.formParam(name);
    return value == null ? "" : value;
  }
}
