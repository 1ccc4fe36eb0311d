package org.iocsync.misp;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tag on an attribute or an event, such as {@code tlp:amber}.
 *
 * @param name the tag's name, never blank
 * @param colour its colour as MISP shows it (for example {@code #ffffff}), or null when not sent
 * @param local whether the tag is local to this MISP instance (not shared on synchronisation)
 * @param inherited whether the tag came from the attribute's event rather than the attribute itself
 *     (MISP marks these when a search asks for event tags)
 */
public record MispTag(String name, @Nullable String colour, boolean local, boolean inherited) {
  public MispTag {
    Objects.requireNonNull(name, "name");
  }

  /** Returns a tag with just a name, neither local nor inherited. */
  public static MispTag named(String name) {
    return new MispTag(name, null, false, false);
  }
}
