package org.iocsync.systemtests;

import java.util.List;

/**
 * One job of the chaos configuration: which MISP types it reads and which reference set it fills.
 *
 * @param append whether the job runs in mode {@code append} (it never withdraws) instead of {@code
 *     mirror}
 */
record ChaosJob(
    String name, String referenceSet, String elementType, List<String> types, boolean append) {
  static final List<String> IP_TYPES = List.of("ip-src", "ip-dst");
  static final List<String> NAME_TYPES = List.of("domain", "hostname");
  static final List<String> HASH_TYPES = List.of("md5", "sha1", "sha256");

  ChaosJob {
    types = List.copyOf(types);
  }

  /** The three jobs of a round; only the hash job's mode varies. */
  static List<ChaosJob> all(boolean hashesAppend) {
    return List.of(
        new ChaosJob("ips", "Chaos IPs", "IP", IP_TYPES, false),
        new ChaosJob("domains", "Chaos domains", "ALNIC", NAME_TYPES, false),
        new ChaosJob("hashes", "Chaos hashes", "ALNIC", HASH_TYPES, hashesAppend));
  }

  /** This job as an entry of the configuration file's {@code jobs} list. */
  String json() {
    return """
        {"name": "%s", "referenceSet": "%s", "elementType": "%s", "types": [%s],
         "excludeTags": ["%s"], "mode": "%s"}"""
        .formatted(
            name,
            referenceSet,
            elementType,
            String.join(", ", types.stream().map(type -> '"' + type + '"').toList()),
            MispWorld.EXCLUDED_TAG,
            append ? "append" : "mirror");
  }
}
