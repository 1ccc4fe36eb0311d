package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.stream.Stream;
import org.iocsync.core.IndicatorSource;
import org.iocsync.core.Server;
import org.iocsync.core.SourceAttribute;
import org.iocsync.core.SourceException;
import org.iocsync.core.SourceQuery;
import org.iocsync.core.Store;
import org.iocsync.core.StoreException;

/** The MISP server of the connection saved in the store, as the sync engine reads it. */
@Singleton
final class SavedMisp implements IndicatorSource {
  private final SavedConnection<IndicatorSource> connection;

  @Inject
  SavedMisp(Store store, Connectors connectors) {
    this.connection = new SavedConnection<>(store, Server.MISP, connectors::misp);
  }

  @Override
  public Stream<SourceAttribute> attributes(SourceQuery query) {
    return misp().attributes(query);
  }

  @Override
  public Set<String> knownTypes() {
    return misp().knownTypes();
  }

  private IndicatorSource misp() {
    try {
      return connection
          .current()
          .orElseThrow(() -> SourceException.permanent(connection.missing(), null));
    } catch (SourceException | StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw SourceException.permanent(String.valueOf(e.getMessage()), e);
    }
  }
}
