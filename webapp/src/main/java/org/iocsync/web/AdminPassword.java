package org.iocsync.web;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The admin password's hash, kept in a file of the state directory readable by its owner only. */
@Singleton
final class AdminPassword {
  static final String FILE_NAME = "admin-password";

  private final Path file;
  private final PasswordHasher hasher;
  private volatile @Nullable String hash;

  @Inject
  AdminPassword(WebSettings settings, PasswordHasher hasher) {
    this.file = settings.stateDir().resolve(FILE_NAME);
    this.hasher = hasher;
    this.hash = read(file).orElse(null);
  }

  boolean isSet() {
    return hash != null;
  }

  boolean matches(char[] password) {
    String stored = hash;
    return stored != null && hasher.verify(password, stored);
  }

  /**
   * Sets the first password.
   *
   * @throws IllegalStateException if a password is set already
   */
  synchronized void setFirst(char[] password) {
    if (hash != null) {
      throw new IllegalStateException("The admin password is set already");
    }
    String newHash = hasher.hash(password);
    write(newHash);
    hash = newHash;
  }

  private void write(String newHash) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(FILE_NAME + ".tmp");
      Files.deleteIfExists(temp);
      if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
        Files.createFile(
            temp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(temp);
      }
      Files.writeString(temp, newHash + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write " + file + ": check that the state directory is writable", e);
    }
  }

  private static Optional<String> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read " + file + ": check the state directory's permissions", e);
    }
  }
}
