package org.iocsync.testkit;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * QRadar's {@code fields} parameter: which fields to write, such as {@code
 * name,data(value,source)}. Subfields may be given in parentheses or brackets; no parameter means
 * every field.
 */
final class FieldSelection {
  static final FieldSelection ALL = new FieldSelection(null);

  private final @Nullable Map<String, FieldSelection> wanted;

  private FieldSelection(@Nullable Map<String, FieldSelection> wanted) {
    this.wanted = wanted;
  }

  static FieldSelection parse(@Nullable String fields) {
    if (fields == null || fields.isBlank()) {
      return ALL;
    }
    int[] at = {0};
    return new FieldSelection(list(fields, at));
  }

  boolean wants(String field) {
    return wanted == null || wanted.containsKey(field);
  }

  FieldSelection of(String field) {
    if (wanted == null) {
      return ALL;
    }
    FieldSelection sub = wanted.get(field);
    return sub == null ? ALL : sub;
  }

  private static Map<String, FieldSelection> list(String text, int[] at) {
    Map<String, FieldSelection> fields = new HashMap<>();
    StringBuilder name = new StringBuilder();
    while (at[0] < text.length()) {
      char c = text.charAt(at[0]++);
      if (c == '(' || c == '[') {
        fields.put(name.toString().trim(), new FieldSelection(list(text, at)));
        name.setLength(0);
      } else if (c == ')' || c == ']') {
        break;
      } else if (c == ',') {
        add(fields, name);
      } else {
        name.append(c);
      }
    }
    add(fields, name);
    return fields;
  }

  private static void add(Map<String, FieldSelection> fields, StringBuilder name) {
    String field = name.toString().trim();
    if (!field.isEmpty()) {
      fields.putIfAbsent(field, ALL);
    }
    name.setLength(0);
  }
}
