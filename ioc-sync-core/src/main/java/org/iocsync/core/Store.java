package org.iocsync.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything IOC Sync keeps between runs: jobs, connection settings, encrypted secrets, each job's
 * ledger and cursor, run history and the values each job recently added or removed.
 *
 * <p>{@link SqliteStore} keeps it in an embedded database for one instance; {@link PostgresStore}
 * in a database that several instances share. Every method throws {@link StoreException} when the
 * database fails, after rolling back what it was doing.
 *
 * <h2>The ledger</h2>
 *
 * For each job the store keeps which live attribute holds which value (the job's desired set) and
 * each value the job has put, or may have put, into its reference set, in one of three states:
 * pending addition, confirmed, pending removal. A run stages what it read from MISP, asks the store
 * for a {@linkplain #plan plan}, {@linkplain #applyPlan applies} it (the values to send become
 * pending), then confirms each batch once QRadar has. Pending values count as the job's own on the
 * next run: sent again while desired, removed once not. The staging and plan methods are meant for
 * {@link SyncEngine}, which runs each job at most once at a time.
 */
public interface Store extends AutoCloseable {
  /**
   * Saves a job, adding it or replacing the one of the same name (a replaced job keeps its paused
   * flag). When the reference set or its element type changes, the job's ledger starts afresh
   * (values it put into the former set stay there); when its filter changes, its next run is full.
   */
  void saveJob(JobSpec spec);

  /** The job called {@code name}, or empty. */
  Optional<StoredJob> job(String name);

  /** Every job, by name. */
  List<StoredJob> jobs();

  /**
   * Deletes a job with its ledger, cursor and history. The values it put into its set stay there.
   *
   * @return whether there was such a job
   */
  boolean deleteJob(String name);

  /**
   * Pauses or resumes a job.
   *
   * @throws IllegalArgumentException when there is no job called {@code name}
   */
  void setPaused(String name, boolean paused);

  /** Saves how to reach {@code server}. */
  void saveConnection(Server server, ConnectionSettings settings);

  /** How to reach {@code server}, or empty when not set. */
  Optional<ConnectionSettings> connection(Server server);

  /** Encrypts and saves a secret, such as the MISP key, under {@code name}. */
  void saveSecret(String name, String secret);

  /**
   * The secret saved under {@code name}, decrypted, or empty.
   *
   * @throws StoreException with {@link StoreException.Problem#SECRET_KEY} when it does not decrypt
   *     with this store's key
   */
  Optional<String> secret(String name);

  /** Deletes a secret; deleting a missing one is no error. */
  void deleteSecret(String name);

  /** Where {@code job} stands: its cursor, last full run and ledger counts. */
  SyncState syncState(String job);

  /** Where the next incremental run of {@code job} starts reading, or empty before its first. */
  Optional<Instant> cursor(String job);

  /** The last {@code limit} runs of {@code job}, newest first. */
  List<RunRecord> runs(String job, int limit);

  /** The last {@code limit} runs of every job, newest first. */
  List<RunRecord> recentRuns(int limit);

  /** The values {@code job} recently added or removed, newest first, as many as the store keeps. */
  List<RecentValue> recentValues(String job);

  /**
   * Starts a run that writes: records it as running (marking any earlier run of the job that never
   * ended as interrupted) and empties the job's staging area.
   *
   * @return the run's id
   */
  long beginRun(String job, RunKind kind, Instant startedAt);

  /** Empties {@code job}'s staging area, before a dry run or after any run. */
  void clearStaging(String job);

  /** Stages attributes read from MISP; a uuid staged again keeps its latest reading. */
  void stageAttributes(String job, List<StagedAttribute> batch);

  /**
   * Stages values the reference set holds now: all of them in full runs, and in incremental runs
   * those of the {@linkplain #unownedValues unowned values} that QRadar reports present.
   */
  void stagePresent(String job, List<String> values);

  /**
   * Up to {@code limit} values, in order, after {@code after} (null for the first page), that an
   * incremental plan of the staged attributes could add although the ledger does not know them: the
   * values the staged attributes hold now or their holders held before. Whichever of them the set
   * holds already belongs to someone else; staging those with {@link #stagePresent} before {@link
   * #plan} keeps the job from claiming them.
   */
  List<String> unownedValues(String job, @Nullable String after, int limit);

  /**
   * Computes what the staged attributes change, without changing the ledger.
   *
   * <p>A full plan takes the staged attributes as the whole desired set: it adds each desired value
   * that is pending or not in the set (as staged by {@link #stagePresent}), and in mirror mode
   * removes each ledger value no longer desired. A value already in the set that the ledger does
   * not know belongs to someone else and is left alone. An incremental plan takes the staged
   * attributes as changes to the desired set and judges only the values they touch plus every
   * pending value: a desired pending value is added, and so is a desired value the ledger does not
   * know unless it is staged as present (then it belongs to someone else and is left alone, as in a
   * full plan); in mirror mode a value in the ledger no longer desired is removed.
   */
  Plan plan(String job, RunKind kind, SyncMode mode);

  /**
   * Up to {@code limit} planned values of {@code action}, in order, after {@code after} (null for
   * the first page).
   */
  List<String> plannedValues(String job, Plan.Action action, @Nullable String after, int limit);

  /**
   * Carries out the planned changes to the ledger in one transaction: the staged attributes become
   * the job's holders, values to add become pending additions, values to remove pending removals;
   * the run's record gets its read counts.
   */
  void applyPlan(long runId, String job, RunKind kind, Plan plan);

  /**
   * Records, in one transaction with the run's counts, that QRadar confirmed a batch of additions:
   * accepted values become confirmed, rejected ones leave the ledger.
   */
  void confirmAdded(
      long runId, String job, List<String> accepted, List<String> rejected, Instant at);

  /** Records, in one transaction with the run's counts, that QRadar removed a batch of values. */
  void confirmRemoved(long runId, String job, List<String> removed, Instant at);

  /**
   * Ends a run: records its outcome and error, advances the job's cursor to {@code cursor} when not
   * null (and its last full run when {@code full}), and empties the staging area.
   */
  void finishRun(
      long runId,
      String job,
      RunOutcome outcome,
      @Nullable String error,
      Instant endedAt,
      @Nullable Instant cursor,
      boolean full);

  /** Closes the database. */
  @Override
  void close();
}
