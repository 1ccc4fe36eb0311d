package org.iocsync.core;

/** The element type of a QRadar reference set, which decides how values are normalised. */
public enum ElementType {
  /** IPv4 or IPv6 addresses. */
  IP,
  /** Port numbers from 0 to 65535. */
  PORT,
  /** Integers. */
  NUM,
  /** Alphanumeric, case-insensitive: values are lower-cased. */
  ALNIC,
  /** Alphanumeric, case kept. */
  ALN
}
