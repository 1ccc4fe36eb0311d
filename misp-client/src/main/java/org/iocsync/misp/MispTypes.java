package org.iocsync.misp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The attribute types and categories a MISP server knows, as returned by {@link
 * MispClient#describeTypes()}. Lists and maps keep the server's order.
 *
 * @param types every attribute type, for example {@code ip-src}
 * @param categories every category, for example {@code Network activity}
 * @param categoryTypes for each category, the types it allows
 * @param defaults for each type, the category and {@code to_ids} flag MISP proposes for it
 */
public record MispTypes(
    List<String> types,
    List<String> categories,
    Map<String, List<String>> categoryTypes,
    Map<String, Defaults> defaults) {
  public MispTypes {
    types = List.copyOf(types);
    categories = List.copyOf(categories);
    Map<String, List<String>> copiedCategoryTypes = new LinkedHashMap<>();
    categoryTypes.forEach((category, list) -> copiedCategoryTypes.put(category, List.copyOf(list)));
    categoryTypes = Collections.unmodifiableMap(copiedCategoryTypes);
    defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
  }

  /**
   * What MISP proposes for a new attribute of one type (its "sane defaults").
   *
   * @param category the default category
   * @param toIds whether such attributes are meant for detection by default
   */
  public record Defaults(String category, boolean toIds) {
    public Defaults {
      Objects.requireNonNull(category, "category");
    }
  }
}
