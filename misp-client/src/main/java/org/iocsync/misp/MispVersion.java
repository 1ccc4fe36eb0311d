package org.iocsync.misp;

import java.util.Objects;

/**
 * The version a MISP server reports, as returned by {@link MispClient#version()}.
 *
 * @param version the version string, for example {@code 2.5.1}
 */
public record MispVersion(String version) {
  public MispVersion {
    Objects.requireNonNull(version, "version");
  }
}
