package org.iocsync.web;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.iocsync.core.PostgresStore;
import org.jspecify.annotations.Nullable;

/**
 * How to reach a PostgreSQL store that several instances share, from the configuration file's
 * {@code store} section, the {@code --store-url} option and the environment.
 *
 * @param url the JDBC URL, {@code jdbc:postgresql://host:port/database}
 * @param user the user to connect as, or null for the URL's or the driver's default
 * @param passwordFile the file holding the user's password, or null for none
 * @param keyFile the file holding the key that seals secrets, or null when {@code keyBase64} is set
 * @param keyBase64 the key as Base64 text from {@value #KEY_VARIABLE}, or null when {@code keyFile}
 *     is set
 * @param instance the name this instance goes by in the run history, or null for the host name and
 *     process id
 */
record StoreSettings(
    String url,
    @Nullable String user,
    @Nullable Path passwordFile,
    @Nullable Path keyFile,
    @Nullable Secret keyBase64,
    @Nullable String instance) {
  static final String URL_PREFIX = "jdbc:postgresql:";
  static final String USER_VARIABLE = "IOC_SYNC_STORE_USER";
  static final String PASSWORD_FILE_VARIABLE = "IOC_SYNC_STORE_PASSWORD_FILE";
  static final String KEY_VARIABLE = "IOC_SYNC_STORE_KEY";
  static final String INSTANCE_VARIABLE = "IOC_SYNC_INSTANCE";

  StoreSettings {
    if (keyFile == null && keyBase64 == null) {
      throw new IllegalArgumentException("a PostgreSQL store needs a keyFile or keyBase64");
    }
  }

  /**
   * The store to use: the configuration's, with its URL replaced by {@code storeUrl} when given;
   * without a {@code store} section, {@code storeUrl} with the user, password file and key from the
   * environment. Empty means SQLite in the state directory.
   *
   * @throws IllegalArgumentException saying what to fix
   */
  static Optional<StoreSettings> resolve(
      @Nullable StoreSettings configured, @Nullable String storeUrl, Map<String, String> env) {
    if (storeUrl == null) {
      return Optional.ofNullable(configured);
    }
    Optional<String> problem = urlProblem(storeUrl);
    if (problem.isPresent()) {
      throw new IllegalArgumentException("--store-url: " + problem.get());
    }
    if (configured != null) {
      return Optional.of(
          new StoreSettings(
              storeUrl,
              configured.user(),
              configured.passwordFile(),
              configured.keyFile(),
              configured.keyBase64(),
              configured.instance()));
    }
    Secret key = keyFromEnvironment(env);
    if (key == null) {
      throw new IllegalArgumentException(
          "--store-url: "
              + KEY_VARIABLE
              + " is not set: give every instance the same secret key as Base64 text (head -c 32"
              + " /dev/urandom | base64) in "
              + KEY_VARIABLE
              + ", or use a configuration file whose store section names a keyFile");
    }
    String passwordFile = blankToNull(env.get(PASSWORD_FILE_VARIABLE));
    return Optional.of(
        new StoreSettings(
            storeUrl,
            blankToNull(env.get(USER_VARIABLE)),
            passwordFile == null ? null : Path.of(passwordFile),
            null,
            key,
            blankToNull(env.get(INSTANCE_VARIABLE))));
  }

  /** The key in {@value #KEY_VARIABLE}, or null when it is not set. */
  static @Nullable Secret keyFromEnvironment(Map<String, String> env) {
    String text = blankToNull(env.get(KEY_VARIABLE));
    return text == null ? null : new Secret(text);
  }

  /**
   * Why a text cannot be a PostgreSQL store's URL, or empty when it can. The text is not repeated,
   * since its query string may carry a password.
   */
  static Optional<String> urlProblem(String url) {
    if (!url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
      return Optional.of(
          "is not a PostgreSQL JDBC URL: use one such as"
              + " jdbc:postgresql://db.example.org:5432/iocsync");
    }
    return Optional.empty();
  }

  /**
   * Connects to the database, migrating its schema if need be.
   *
   * @throws org.iocsync.core.StoreException when it cannot be reached or the key is not the
   *     database's
   * @throws IllegalArgumentException when the key from the environment is not a key
   */
  PostgresStore open() {
    PostgresStore.Builder builder = PostgresStore.builder().url(url);
    if (user != null) {
      builder.user(user);
    }
    if (passwordFile != null) {
      builder.passwordFile(passwordFile);
    }
    Path file = keyFile;
    Secret text = keyBase64;
    if (file != null) {
      builder.keyFile(file);
    } else if (text != null) {
      builder.keyBase64(text.reveal());
    }
    if (instance != null) {
      builder.instanceId(instance);
    }
    return builder.build();
  }

  /** Names the database without the URL's query string, which may carry a password. */
  @Override
  public String toString() {
    int query = url.indexOf('?');
    return "StoreSettings[" + (query < 0 ? url : url.substring(0, query) + "?…") + "]";
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
