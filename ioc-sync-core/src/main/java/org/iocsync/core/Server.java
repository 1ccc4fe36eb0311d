package org.iocsync.core;

/** The two servers IOC Sync connects to. */
public enum Server {
  /** The MISP instance indicators are read from. */
  MISP,
  /** The QRadar console whose reference sets are written. */
  QRADAR
}
