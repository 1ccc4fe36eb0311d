package org.iocsync.qradar;

import java.util.List;

/**
 * What became of one batch of a bulk write.
 *
 * @param accepted the values QRadar confirmed it holds
 * @param rejected the values QRadar refused, each with its reason
 */
public record BatchOutcome(List<String> accepted, List<RejectedValue> rejected) {

  public BatchOutcome {
    accepted = List.copyOf(accepted);
    rejected = List.copyOf(rejected);
  }
}
