package org.iocsync.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides what one attribute means for one job: the value it yields, or why it yields none. The
 * engine applies the job's membership filters here rather than in the MISP query, so that full and
 * incremental runs judge alike and an attribute that stops matching is seen.
 *
 * <p>Tags match as MISP matches them: ignoring case, with {@code %} standing for any run of
 * characters ({@code tlp:%}).
 */
final class Membership {
  private final JobSpec job;
  private final Set<String> types;
  private final Set<String> eventIds;
  private final List<Pattern> tags;
  private final List<Pattern> excludeTags;
  private final int maxLength;

  Membership(JobSpec job, int maxLength) {
    this.job = job;
    this.types = new HashSet<>(job.types());
    this.eventIds = new HashSet<>(job.eventIds());
    this.tags = job.tags().stream().map(Membership::pattern).toList();
    this.excludeTags = job.excludeTags().stream().map(Membership::pattern).toList();
    this.maxLength = maxLength;
  }

  MappingResult judge(SourceAttribute attribute) {
    if (attribute.deleted()) {
      return MappingResult.skipped(SkipReason.DELETED);
    }
    if (!types.isEmpty() && !types.contains(attribute.type())) {
      return MappingResult.skipped(SkipReason.NOT_IN_FILTER);
    }
    if (!eventIds.isEmpty() && !eventIds.contains(attribute.eventId())) {
      return MappingResult.skipped(SkipReason.NOT_IN_FILTER);
    }
    if (job.toIdsOnly() && !attribute.toIds()) {
      return MappingResult.skipped(SkipReason.NOT_IDS);
    }
    if (job.publishedOnly() && !attribute.published()) {
      return MappingResult.skipped(SkipReason.UNPUBLISHED);
    }
    if (anyMatches(excludeTags, attribute.tags())) {
      return MappingResult.skipped(SkipReason.EXCLUDED_TAG);
    }
    if (!tags.isEmpty() && !anyMatches(tags, attribute.tags())) {
      return MappingResult.skipped(SkipReason.NOT_IN_FILTER);
    }
    return ValueMapper.map(attribute.type(), attribute.value(), job.elementType(), maxLength);
  }

  private static boolean anyMatches(List<Pattern> patterns, List<String> tags) {
    for (Pattern pattern : patterns) {
      for (String tag : tags) {
        if (pattern.matcher(tag).matches()) {
          return true;
        }
      }
    }
    return false;
  }

  private static Pattern pattern(String tag) {
    StringBuilder regex = new StringBuilder();
    int start = 0;
    for (int percent = tag.indexOf('%'); percent >= 0; percent = tag.indexOf('%', start)) {
      regex.append(Pattern.quote(tag.substring(start, percent))).append(".*");
      start = percent + 1;
    }
    regex.append(Pattern.quote(tag.substring(start)));
    return Pattern.compile(
        regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }
}
