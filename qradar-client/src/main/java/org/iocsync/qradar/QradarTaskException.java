package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/**
 * A QRadar task (a purge, a deletion, a bulk write of the collections API) failed, or did not end
 * before the client's task deadline. A task that timed out may still end on the server: see Admin,
 * Task Management, or raise {@link QradarClient.Builder#taskDeadline(java.time.Duration)}.
 */
public final class QradarTaskException extends QradarException {
  private final long taskId;
  private final String lastStatus;
  private final boolean deadlinePassed;

  QradarTaskException(
      String message,
      long taskId,
      String lastStatus,
      boolean deadlinePassed,
      @Nullable Throwable cause) {
    super(message, 0, null, cause);
    this.taskId = taskId;
    this.lastStatus = lastStatus;
    this.deadlinePassed = deadlinePassed;
  }

  /** QRadar's id of the task. */
  public long taskId() {
    return taskId;
  }

  /** The task's status when the client gave up, such as {@code EXCEPTION} or {@code QUEUED}. */
  public String lastStatus() {
    return lastStatus;
  }

  /** Whether the client stopped waiting at its deadline, rather than the task failing. */
  public boolean deadlinePassed() {
    return deadlinePassed;
  }
}
