package org.iocsync.qradar;

import java.time.Duration;
import java.util.Set;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a QRadar task to end by asking for its status, up to a deadline. The first polls come
 * quickly, so that short tasks cost little time; the wait then doubles up to the interval set.
 * Statuses this client does not know count as still running.
 */
final class TaskPoller {
  private static final String COMPLETED = "COMPLETED";
  private static final long FIRST_WAIT_MILLIS = 50;
  private static final Set<String> FAILED =
      Set.of("CANCELLED", "CONFLICT", "EXCEPTION", "INTERRUPTED");

  private final Duration deadline;
  private final Duration interval;
  private final Secrets secrets;

  TaskPoller(Duration deadline, Duration interval, Secrets secrets) {
    this.deadline = deadline;
    this.interval = interval;
    this.secrets = secrets;
  }

  /**
   * Returns once the task has completed.
   *
   * @param started the task as QRadar answered the request that started it
   * @param status fetches the task's status by id
   * @param what what the task does, for messages: "purging reference set 'x'"
   */
  QradarJson.Task await(
      QradarJson.Task started, LongFunction<QradarJson.Task> status, String what) {
    Long id = started.id();
    if (id == null) {
      throw new QradarMalformedResponseException(
          "QRadar started a task without an id while " + what, 202, null);
    }
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    QradarJson.Task task = started;
    long waitMillis = Math.min(FIRST_WAIT_MILLIS, interval.toMillis());
    while (true) {
      String state = task.status() != null ? task.status() : "(none)";
      if (state.equals(COMPLETED)) {
        return task;
      }
      if (FAILED.contains(state)) {
        throw new QradarTaskException(
            "QRadar task " + id + " ended with status " + state + " while " + what + reason(task),
            id,
            state,
            false,
            null);
      }
      if (System.nanoTime() - deadlineNanos >= 0) {
        throw new QradarTaskException(
            "QRadar task "
                + id
                + " had not ended after "
                + deadline
                + " while "
                + what
                + " (last status "
                + state
                + "). It may still end on the server: see Admin, Task Management, or raise the"
                + " client's taskDeadline.",
            id,
            state,
            true,
            null);
      }
      long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
      pause(Math.min(waitMillis, remainingMillis), id, state, what);
      waitMillis = Math.min(waitMillis * 2, interval.toMillis());
      task = status.apply(id);
    }
  }

  private static void pause(long millis, long id, String state, String what) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QradarTaskException(
          "Interrupted while waiting for QRadar task " + id + " while " + what,
          id,
          state,
          false,
          e);
    }
  }

  private String reason(QradarJson.Task task) {
    @Nullable String text = task.errorMessage() != null ? task.errorMessage() : task.message();
    return text != null && !text.isBlank() ? ": " + secrets.scrub(text) : "";
  }
}
