package org.iocsync.qradar;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Turns QRadar's JSON into model types, refusing what a caller could not rely on. */
final class Models {
  private Models() {}

  static ReferenceSetInfo legacySet(QradarJson.LegacySet json, String what) {
    String name = required(json.name(), "name", what);
    return new ReferenceSetInfo(
        name,
        elementType(required(json.elementType(), "element_type", what), what),
        json.numberOfElements() != null ? json.numberOfElements() : 0,
        json.timeToLive(),
        expiryBasis(json.timeoutType()),
        instant(json.creationTime()));
  }

  static ReferenceSetInfo collectionSet(QradarJson.CollectionSet json, String what) {
    String name = required(json.name(), "name", what);
    Long timeToLive = json.timeToLive();
    boolean expires = timeToLive != null && !"NO_EXPIRY".equals(json.expiryType());
    return new ReferenceSetInfo(
        name,
        elementType(required(json.entryType(), "entry_type", what), what),
        json.numberOfEntries() != null ? json.numberOfEntries() : 0,
        expires ? timeToLive + " seconds" : null,
        expiryBasis(json.expiryType()),
        instant(json.creationTime()));
  }

  static ReferenceSetEntry entry(
      @Nullable String value,
      @Nullable String source,
      @Nullable Long firstSeen,
      @Nullable Long lastSeen,
      String what) {
    return new ReferenceSetEntry(
        required(value, "value", what), source, instant(firstSeen), instant(lastSeen));
  }

  static QradarElementType elementType(String type, String what) {
    try {
      return QradarElementType.valueOf(type);
    } catch (IllegalArgumentException e) {
      throw new QradarMalformedResponseException(
          "QRadar named an element type this client does not know, '" + type + "', while " + what,
          200,
          e);
    }
  }

  static <T> T required(@Nullable T value, String field, String what) {
    if (value == null) {
      throw new QradarMalformedResponseException(
          "QRadar's answer lacks '" + field + "' while " + what, 200, null);
    }
    return value;
  }

  private static @Nullable ExpiryBasis expiryBasis(@Nullable String type) {
    if ("FIRST_SEEN".equals(type)) {
      return ExpiryBasis.FIRST_SEEN;
    }
    if ("LAST_SEEN".equals(type)) {
      return ExpiryBasis.LAST_SEEN;
    }
    return null;
  }

  private static @Nullable Instant instant(@Nullable Long epochMillis) {
    return epochMillis != null ? Instant.ofEpochMilli(epochMillis) : null;
  }
}
