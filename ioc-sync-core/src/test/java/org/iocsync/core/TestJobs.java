package org.iocsync.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Job specs for tests, each with one thing changed from a plain IP job. */
final class TestJobs {
  private TestJobs() {}

  static JobSpec ips(String name, String set) {
    return new JobSpec(
        name,
        set,
        ElementType.IP,
        List.of("ip-src", "ip-dst"),
        List.of(),
        List.of(),
        List.of("tlp:red"),
        true,
        true,
        false,
        SyncMode.MIRROR,
        15,
        true,
        null);
  }

  static JobSpec withMode(JobSpec job, SyncMode mode) {
    return new JobSpec(
        job.name(),
        job.referenceSet(),
        job.elementType(),
        job.types(),
        job.eventIds(),
        job.tags(),
        job.excludeTags(),
        job.toIdsOnly(),
        job.publishedOnly(),
        job.enforceWarninglist(),
        mode,
        job.intervalMinutes(),
        job.createSetIfMissing(),
        job.timeToLive());
  }

  static JobSpec withTags(JobSpec job, List<String> tags) {
    return withTags(job, tags, job.excludeTags());
  }

  static JobSpec withTags(JobSpec job, List<String> tags, List<String> excludeTags) {
    return new JobSpec(
        job.name(),
        job.referenceSet(),
        job.elementType(),
        job.types(),
        job.eventIds(),
        tags,
        excludeTags,
        job.toIdsOnly(),
        job.publishedOnly(),
        job.enforceWarninglist(),
        job.mode(),
        job.intervalMinutes(),
        job.createSetIfMissing(),
        job.timeToLive());
  }

  static JobSpec withSet(JobSpec job, String set, ElementType elementType) {
    return new JobSpec(
        job.name(),
        set,
        elementType,
        job.types(),
        job.eventIds(),
        job.tags(),
        job.excludeTags(),
        job.toIdsOnly(),
        job.publishedOnly(),
        job.enforceWarninglist(),
        job.mode(),
        job.intervalMinutes(),
        job.createSetIfMissing(),
        job.timeToLive());
  }

  static JobSpec withCreation(JobSpec job, boolean create, @Nullable String timeToLive) {
    return new JobSpec(
        job.name(),
        job.referenceSet(),
        job.elementType(),
        job.types(),
        job.eventIds(),
        job.tags(),
        job.excludeTags(),
        job.toIdsOnly(),
        job.publishedOnly(),
        job.enforceWarninglist(),
        job.mode(),
        job.intervalMinutes(),
        create,
        timeToLive);
  }

  static JobSpec withInterval(JobSpec job, int intervalMinutes) {
    return new JobSpec(
        job.name(),
        job.referenceSet(),
        job.elementType(),
        job.types(),
        job.eventIds(),
        job.tags(),
        job.excludeTags(),
        job.toIdsOnly(),
        job.publishedOnly(),
        job.enforceWarninglist(),
        job.mode(),
        intervalMinutes,
        job.createSetIfMissing(),
        job.timeToLive());
  }

  static JobSpec withTypes(JobSpec job, List<String> types, ElementType elementType) {
    return new JobSpec(
        job.name(),
        job.referenceSet(),
        elementType,
        types,
        job.eventIds(),
        job.tags(),
        job.excludeTags(),
        job.toIdsOnly(),
        job.publishedOnly(),
        job.enforceWarninglist(),
        job.mode(),
        job.intervalMinutes(),
        job.createSetIfMissing(),
        job.timeToLive());
  }
}
