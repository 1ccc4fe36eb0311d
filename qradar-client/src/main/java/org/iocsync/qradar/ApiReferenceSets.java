package org.iocsync.qradar;

/** The reference sets of one API, with the cheap access check a connection test needs. */
interface ApiReferenceSets extends ReferenceSets {
  /** Reads at most one set, to prove the credentials may read reference sets at this version. */
  void checkAccess();
}
