package org.iocsync.qradar;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A QRadar API version such as {@code 16.0}: a major and an optional minor number. */
record ApiVersion(int major, int minor, String text) implements Comparable<ApiVersion> {
  /** The oldest major version this client knows to work: the reference data endpoints it uses. */
  static final int OLDEST_KNOWN_MAJOR = 12;

  /** The newest major version this client knows to work, written against its documentation. */
  static final int NEWEST_KNOWN_MAJOR = 20;

  /** The first version with the reference data collections API. */
  static final int COLLECTIONS_MAJOR = 16;

  /** The first version whose documented bulk load names a namespace and a domain. */
  static final int NAMESPACED_BULK_LOAD_MAJOR = 17;

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,4})(?:\\.(\\d{1,4}))?");
  private static final Comparator<ApiVersion> ORDER =
      Comparator.comparingInt(ApiVersion::major).thenComparingInt(ApiVersion::minor);

  static Optional<ApiVersion> parse(String text) {
    Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    int minor = matcher.group(2) != null ? Integer.parseInt(matcher.group(2)) : 0;
    return Optional.of(new ApiVersion(Integer.parseInt(matcher.group(1)), minor, text.trim()));
  }

  boolean known() {
    return major >= OLDEST_KNOWN_MAJOR && major <= NEWEST_KNOWN_MAJOR;
  }

  @Override
  public int compareTo(ApiVersion other) {
    return ORDER.compare(this, other);
  }
}
