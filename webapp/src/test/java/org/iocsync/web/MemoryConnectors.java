package org.iocsync.web;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.IndicatorSource;
import org.iocsync.core.SetTarget;

/** Connectors to in-memory servers; records which secrets they were handed. */
final class MemoryConnectors implements Connectors {
  final MemoryMisp misp = new MemoryMisp();
  final MemoryQradar qradar = new MemoryQradar();
  final List<String> secretsSeen = new CopyOnWriteArrayList<>();

  @Override
  public IndicatorSource misp(ConnectionSettings settings, Secret key) {
    secretsSeen.add(key.reveal());
    return misp;
  }

  @Override
  public SetTarget qradar(ConnectionSettings settings, Secret token) {
    secretsSeen.add(token.reveal());
    return qradar;
  }

  @Override
  public String testMisp(ConnectionSettings settings, Secret key) {
    secretsSeen.add(key.reveal());
    if (settings.url().contains("hostile")) {
      throw new IllegalStateException("MISP answered 500: <script>alert('log')</script>");
    }
    if (settings.url().contains("down")) {
      throw new IllegalStateException(
          "Cannot connect to " + settings.url() + ": connection refused");
    }
    return "MISP 2.5.1";
  }

  @Override
  public Set<String> mispTypes(ConnectionSettings settings, Secret key) {
    return misp.knownTypes();
  }

  @Override
  public String testQradar(ConnectionSettings settings, Secret token) {
    secretsSeen.add(token.reveal());
    if (token.reveal().startsWith("bad")) {
      throw new IllegalStateException("QRadar answered 401: the token is not valid; renew it");
    }
    return "QRadar API 20.0, legacy reference data API";
  }
}
