package org.iocsync.core;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where a job stands, as its ledger says.
 *
 * @param cursor the upper time bound of the job's last successful run (the next incremental run
 *     reads changes from there), or null before its first
 * @param lastFullRunAt when the job's last successful full run started, or null
 * @param confirmed values QRadar confirmed for the job
 * @param pendingAdd values sent, or about to be sent, whose addition is not yet confirmed
 * @param pendingRemove values whose removal is not yet confirmed
 */
public record SyncState(
    @Nullable Instant cursor,
    @Nullable Instant lastFullRunAt,
    long confirmed,
    long pendingAdd,
    long pendingRemove) {}
