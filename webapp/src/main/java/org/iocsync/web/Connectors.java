package org.iocsync.web;

import java.util.Set;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.IndicatorSource;
import org.iocsync.core.SetTarget;

/** Makes the sync engine's two ports from connection settings and secrets. */
interface Connectors {
  /** The MISP instance indicators are read from. */
  IndicatorSource misp(ConnectionSettings settings, Secret key);

  /** The QRadar console whose reference sets are written. */
  SetTarget qradar(ConnectionSettings settings, Secret token);

  /**
   * Asks MISP for its version with these settings.
   *
   * @return a line for a person, such as {@code MISP 2.5.1}
   * @throws RuntimeException whose message says what failed and how to fix it
   */
  String testMisp(ConnectionSettings settings, Secret key);

  /** The attribute types MISP knows, from its {@code describeTypes}. */
  Set<String> mispTypes(ConnectionSettings settings, Secret key);

  /**
   * Asks QRadar which API versions it offers, with these settings.
   *
   * @return a line for a person, such as {@code QRadar API 20.0}
   * @throws RuntimeException whose message says what failed and how to fix it
   */
  String testQradar(ConnectionSettings settings, Secret token);
}
