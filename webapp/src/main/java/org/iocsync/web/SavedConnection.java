package org.iocsync.web;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.Server;
import org.iocsync.core.Store;
import org.jspecify.annotations.Nullable;

/**
 * A client of one server, made from the connection and secret saved in the store, and made again
 * once either changes, so that what is saved in the UI is used from the next call on.
 */
final class SavedConnection<T> {
  private final Store store;
  private final Server server;
  private final BiFunction<ConnectionSettings, Secret, T> connect;
  private @Nullable ConnectionSettings settings;
  private @Nullable String secret;
  private @Nullable T client;

  SavedConnection(Store store, Server server, BiFunction<ConnectionSettings, Secret, T> connect) {
    this.store = store;
    this.server = server;
    this.connect = connect;
  }

  /**
   * The client for what is saved now, or empty while the connection or its secret is not saved.
   *
   * @throws RuntimeException when the saved settings cannot make a client, such as an unreadable CA
   *     certificate
   */
  synchronized Optional<T> current() {
    Optional<ConnectionSettings> savedSettings = store.connection(server);
    Optional<String> savedSecret = store.secret(SyncService.secretName(server));
    if (savedSettings.isEmpty() || savedSecret.isEmpty()) {
      return Optional.empty();
    }
    T made = client;
    if (made == null
        || !savedSettings.get().equals(settings)
        || !Objects.equals(savedSecret.get(), secret)) {
      made = connect.apply(savedSettings.get(), new Secret(savedSecret.get()));
      client = made;
      settings = savedSettings.get();
      secret = savedSecret.get();
    }
    return Optional.of(made);
  }

  /** Says what must be saved before this server can be reached. */
  String missing() {
    String secretName = server == Server.MISP ? "key" : "token";
    return "The "
        + SyncService.label(server)
        + " connection or its "
        + secretName
        + " is not saved: save both on the main page";
  }
}
