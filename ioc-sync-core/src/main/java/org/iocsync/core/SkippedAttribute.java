package org.iocsync.core;

import java.util.Objects;

/**
 * An example of an attribute that put no value into the set, for dry-run reports.
 *
 * @param uuid the attribute's UUID
 * @param eventId the id of its event
 * @param type its MISP type
 * @param value its value as MISP holds it
 */
public record SkippedAttribute(String uuid, String eventId, String type, String value) {
  public SkippedAttribute {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }
}
