package org.iocsync.qradar;

/** The type of the values a reference set holds; QRadar refuses values that do not fit it. */
public enum QradarElementType {
  /** Alphanumeric, case kept. */
  ALN,
  /** Alphanumeric, case ignored: QRadar stores the value lower-cased. */
  ALNIC,
  /** An IP address. */
  IP,
  /** A number. */
  NUM,
  /** A port number from 0 to 65535. */
  PORT,
  /** A date, as milliseconds since the Unix epoch. */
  DATE,
  /** A network in CIDR notation; QRadar offers it from API 21.0. */
  CIDR
}
