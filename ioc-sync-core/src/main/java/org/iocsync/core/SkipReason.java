package org.iocsync.core;

import java.util.Optional;

/**
 * Why a MISP attribute put no value into a job's reference set. Each reason has a stable {@link
 * #code() code} that reports, run history and the JSON summary use; codes never change meaning.
 */
public enum SkipReason {
  /** The attribute, or its event, is deleted in MISP. */
  DELETED("deleted"),
  /** The job counts only attributes with the {@code to_ids} flag, and this one lacks it. */
  NOT_IDS("not-ids"),
  /** The job counts only attributes of published events, and this event is not published. */
  UNPUBLISHED("unpublished"),
  /** The attribute's MISP type has no value for the set's element type (a domain for an IP set). */
  TYPE_MISMATCH("type-mismatch"),
  /** The value is empty or malformed for its type and the set's element type. */
  INVALID_VALUE("invalid-value"),
  /** The normalised value is longer than the job's maximum length. */
  TOO_LONG("too-long"),
  /** The attribute or its event carries a tag the job excludes. */
  EXCLUDED_TAG("excluded-tag"),
  /**
   * The attribute does not match the job's type, event or tag filter. Runs that read MISP without
   * those filters (incremental runs, which must see what stops matching) apply them locally.
   */
  NOT_IN_FILTER("not-in-filter"),
  /** MISP withheld the attribute because it is on a warninglist the job enforces. */
  WARNINGLIST("warninglist"),
  /** QRadar refused the value although it passed the mapping rules. */
  REJECTED("rejected");

  private final String code;

  SkipReason(String code) {
    this.code = code;
  }

  /** The stable text of this reason, such as {@code "not-ids"}. */
  public String code() {
    return code;
  }

  /** The reason whose {@link #code()} is {@code code}, or empty when none is. */
  public static Optional<SkipReason> fromCode(String code) {
    for (SkipReason reason : values()) {
      if (reason.code.equals(code)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return code;
  }
}
