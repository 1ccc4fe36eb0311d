package org.iocsync.web;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import io.javalin.http.BadRequestResponse;
import io.javalin.json.JsonMapper;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/** Lets Javalin read and write JSON with Moshi. */
final class MoshiJsonMapper implements JsonMapper {
  private final Moshi moshi;

  @Inject
  MoshiJsonMapper(Moshi moshi) {
    this.moshi = moshi;
  }

  @Override
  public String toJsonString(Object obj, Type type) {
    return adapter(type).toJson(obj);
  }

  @Override
  public <T> T fromJsonString(String json, Type targetType) {
    try {
      return nonNull(this.<T>adapter(targetType).fromJson(json));
    } catch (IOException | JsonDataException e) {
      throw new BadRequestResponse("The body is not valid JSON: " + e.getMessage());
    }
  }

  @Override
  public <T> T fromJsonStream(InputStream json, Type targetType) {
    try {
      return nonNull(this.<T>adapter(targetType).fromJson(Okio.buffer(Okio.source(json))));
    } catch (IOException | JsonDataException e) {
      throw new BadRequestResponse("The body is not valid JSON: " + e.getMessage());
    }
  }

  private <T> JsonAdapter<T> adapter(Type type) {
    return moshi.<T>adapter(type).serializeNulls().failOnUnknown();
  }

  private static <T> T nonNull(@Nullable T value) {
    if (value == null) {
      throw new BadRequestResponse("The body is JSON null; send an object");
    }
    return value;
  }
}
