package org.iocsync.core;

/**
 * The leases of a store that several IOC Sync instances share ({@link PostgresStore#leases()}): one
 * per job, so that each job is run by one instance at a time. {@link SyncEngine} takes the lease
 * before each run and releases it after; {@link Scheduler} looks again later at a job another
 * instance is running. A store wrapped in another object loses this, and with it the guarantee.
 */
interface JobLeases {
  /**
   * Takes the lease on {@code job} for this instance, when no other holds it or its holder let it
   * expire. The store renews it until {@link #release}, and refuses the job's staging, plan and run
   * writes once it is lost.
   *
   * @throws JobBusyException when another holder's lease is still running
   * @throws IllegalArgumentException when there is no such job
   * @throws StoreException when the database fails
   */
  JobLease acquire(String job);

  /** Gives the lease up so that another instance may run the job at once; never throws. */
  void release(JobLease lease);
}
