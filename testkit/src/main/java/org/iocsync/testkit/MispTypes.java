package org.iocsync.testkit;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import okio.ByteString;
import okio.Okio;

/**
 * MISP's attribute types and categories, read from a copy of a real server's {@code describeTypes}
 * answer: the fake serves it as is and takes each type's default category and {@code to_ids} from
 * it.
 */
final class MispTypes {
  static final MispTypes INSTANCE = load();

  final ByteString describeTypesJson;
  final List<String> types;
  final List<String> categories;
  private final Map<String, Integer> typeIndex = new HashMap<>();
  private final Map<String, Integer> categoryIndex = new HashMap<>();
  private final int[] defaultCategory;
  private final boolean[] defaultToIds;

  private MispTypes(
      ByteString json,
      List<String> types,
      List<String> categories,
      Map<String, String> defaultCategories,
      Map<String, Boolean> defaultToIds) {
    this.describeTypesJson = json;
    this.types = List.copyOf(types);
    this.categories = List.copyOf(categories);
    for (int i = 0; i < types.size(); i++) {
      typeIndex.put(types.get(i), i);
    }
    for (int i = 0; i < categories.size(); i++) {
      categoryIndex.put(categories.get(i), i);
    }
    this.defaultCategory = new int[types.size()];
    this.defaultToIds = new boolean[types.size()];
    for (int i = 0; i < types.size(); i++) {
      String category = defaultCategories.getOrDefault(types.get(i), "Other");
      this.defaultCategory[i] = categoryIndex.getOrDefault(category, categoryIndex.get("Other"));
      this.defaultToIds[i] = defaultToIds.getOrDefault(types.get(i), false);
    }
  }

  /** The index of {@code type}, or -1 when MISP does not know it. */
  int type(String type) {
    return typeIndex.getOrDefault(type, -1);
  }

  /** The index of {@code category}, or -1 when MISP does not know it. */
  int category(String category) {
    return categoryIndex.getOrDefault(category, -1);
  }

  int defaultCategory(int type) {
    return defaultCategory[type];
  }

  boolean defaultToIds(int type) {
    return defaultToIds[type];
  }

  private static MispTypes load() {
    ByteString json;
    try (InputStream in = MispTypes.class.getResourceAsStream("describeTypes.json")) {
      if (in == null) {
        throw new IllegalStateException("describeTypes.json is missing from the testkit jar");
      }
      json = Okio.buffer(Okio.source(in)).readByteString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    List<String> types = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    Map<String, String> defaultCategories = new HashMap<>();
    Map<String, Boolean> defaultToIds = new HashMap<>();
    try (JsonReader reader = JsonReader.of(new Buffer().write(json))) {
      reader.beginObject();
      while (reader.hasNext()) {
        if (!reader.nextName().equals("result")) {
          reader.skipValue();
          continue;
        }
        reader.beginObject();
        while (reader.hasNext()) {
          switch (reader.nextName()) {
            case "types" -> readStrings(reader, types);
            case "categories" -> readStrings(reader, categories);
            case "sane_defaults" -> readDefaults(reader, defaultCategories, defaultToIds);
            default -> reader.skipValue();
          }
        }
        reader.endObject();
      }
      reader.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MispTypes(json, types, categories, defaultCategories, defaultToIds);
  }

  private static void readStrings(JsonReader reader, List<String> into) throws IOException {
    reader.beginArray();
    while (reader.hasNext()) {
      into.add(reader.nextString());
    }
    reader.endArray();
  }

  private static void readDefaults(
      JsonReader reader, Map<String, String> categories, Map<String, Boolean> toIds)
      throws IOException {
    reader.beginObject();
    while (reader.hasNext()) {
      String type = reader.nextName();
      reader.beginObject();
      while (reader.hasNext()) {
        switch (reader.nextName()) {
          case "default_category" -> categories.put(type, reader.nextString());
          case "to_ids" -> toIds.put(type, reader.nextInt() == 1);
          default -> reader.skipValue();
        }
      }
      reader.endObject();
    }
    reader.endObject();
  }
}
