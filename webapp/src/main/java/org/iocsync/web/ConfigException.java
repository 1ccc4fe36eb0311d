package org.iocsync.web;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration file or request cannot be used; names every bad field. */
final class ConfigException extends Exception {
  private final List<ConfigError> errors;

  ConfigException(String source, List<ConfigError> errors) {
    super(
        source
            + (errors.size() == 1 ? ": " : " has " + errors.size() + " problems:\n  ")
            + errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n  ")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("A configuration error needs at least one field error");
    }
    this.errors = List.copyOf(errors);
  }

  List<ConfigError> errors() {
    return errors;
  }
}
