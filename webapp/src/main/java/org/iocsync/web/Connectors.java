package org.iocsync.web;

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
   * The connectors of this build. The adapters from the core's ports to the real MISP and QRadar
   * clients are not part of it yet; until they are, using a server says so plainly.
   */
  static Connectors unavailable() {
    return new Connectors() {
      @Override
      public IndicatorSource misp(ConnectionSettings settings, Secret key) {
        throw new IllegalStateException(
            "this build cannot reach MISP yet: its adapter to the MISP client is missing");
      }

      @Override
      public SetTarget qradar(ConnectionSettings settings, Secret token) {
        throw new IllegalStateException(
            "this build cannot reach QRadar yet: its adapter to the QRadar client is missing");
      }
    };
  }
}
