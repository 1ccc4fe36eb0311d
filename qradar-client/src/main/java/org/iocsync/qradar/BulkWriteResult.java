package org.iocsync.qradar;

import java.util.ArrayList;
import java.util.List;

/**
 * What QRadar made of a bulk write, batch by batch, in the order the batches were sent. A value is
 * in {@link #accepted()} only once QRadar confirmed it, so a caller can record exactly those.
 *
 * @param batches one outcome per batch sent
 */
public record BulkWriteResult(List<BatchOutcome> batches) {

  private static final BulkWriteResult EMPTY = new BulkWriteResult(List.of());

  public BulkWriteResult {
    batches = List.copyOf(batches);
  }

  /** A result with no batch: nothing was written. */
  public static BulkWriteResult empty() {
    return EMPTY;
  }

  /** What a removal that failed had done: the values removed before, as one accepted batch. */
  static BulkWriteResult removed(List<String> values) {
    return new BulkWriteResult(List.of(new BatchOutcome(List.copyOf(values), List.of())));
  }

  /** Every value QRadar accepted, across the batches. */
  public List<String> accepted() {
    List<String> all = new ArrayList<>();
    for (BatchOutcome batch : batches) {
      all.addAll(batch.accepted());
    }
    return all;
  }

  /** Every value QRadar refused, across the batches. */
  public List<RejectedValue> rejected() {
    List<RejectedValue> all = new ArrayList<>();
    for (BatchOutcome batch : batches) {
      all.addAll(batch.rejected());
    }
    return all;
  }
}
