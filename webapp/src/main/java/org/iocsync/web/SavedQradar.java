package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.iocsync.core.AddResult;
import org.iocsync.core.ElementType;
import org.iocsync.core.ReferenceSet;
import org.iocsync.core.Server;
import org.iocsync.core.SetTarget;
import org.iocsync.core.Store;
import org.iocsync.core.StoreException;
import org.iocsync.core.TargetException;
import org.jspecify.annotations.Nullable;

/** The QRadar console of the connection saved in the store, as the sync engine writes to it. */
@Singleton
final class SavedQradar implements SetTarget {
  private final SavedConnection<SetTarget> connection;

  @Inject
  SavedQradar(Store store, Connectors connectors) {
    this.connection = new SavedConnection<>(store, Server.QRADAR, connectors::qradar);
  }

  @Override
  public Optional<ReferenceSet> find(String name) {
    return qradar().find(name);
  }

  @Override
  public ReferenceSet create(String name, ElementType elementType, @Nullable String timeToLive) {
    return qradar().create(name, elementType, timeToLive);
  }

  @Override
  public AddResult add(String set, List<String> values) {
    return qradar().add(set, values);
  }

  @Override
  public void remove(String set, List<String> values) {
    qradar().remove(set, values);
  }

  @Override
  public Stream<String> values(String set) {
    return qradar().values(set);
  }

  private SetTarget qradar() {
    try {
      return connection
          .current()
          .orElseThrow(() -> TargetException.permanent(connection.missing(), null));
    } catch (TargetException | StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw TargetException.permanent(String.valueOf(e.getMessage()), e);
    }
  }
}
