package org.iocsync.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The 256-bit key that encrypts the secrets a store keeps. It lives apart from the database: in a
 * file only its owner may read, or with the host program that supplies it.
 */
public final class KeyMaterial {
  /** The length of a key in bytes. */
  public static final int KEY_BYTES = 32;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> OWNER_ANY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  private final byte[] key;

  private KeyMaterial(byte[] key) {
    this.key = key;
  }

  /**
   * Key bytes the host keeps, for example in its own secret store.
   *
   * @throws IllegalArgumentException unless {@code key} is {@value #KEY_BYTES} bytes long
   */
  public static KeyMaterial of(byte[] key) {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "a secret key must be " + KEY_BYTES + " bytes long, not " + key.length);
    }
    return new KeyMaterial(key.clone());
  }

  /**
   * The key in {@code file}, made with random bytes and owner-only permissions when the file does
   * not exist yet.
   *
   * @throws StoreException when the file cannot be read or made, has the wrong length, or may be
   *     read by users other than its owner
   */
  public static KeyMaterial loadOrCreate(Path file) {
    try {
      if (Files.notExists(file)) {
        create(file);
      }
      checkOwnerOnly(file);
      byte[] key = Files.readAllBytes(file);
      if (key.length != KEY_BYTES) {
        throw new StoreException(
            StoreException.Problem.SECRET_KEY,
            "The secret key "
                + file
                + " holds "
                + key.length
                + " bytes instead of "
                + KEY_BYTES
                + ": restore the original file (the stored secrets need it), or delete it and"
                + " enter the MISP key and QRadar token again",
            null);
      }
      return new KeyMaterial(key);
    } catch (IOException e) {
      throw new StoreException(
          StoreException.Problem.SECRET_KEY,
          "Cannot read or create the secret key " + file + ": " + e.getMessage(),
          e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] key = new byte[KEY_BYTES];
    new SecureRandom().nextBytes(key);
    boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
    if (posix) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(file);
    }
    Files.write(file, key);
    Arrays.fill(key, (byte) 0);
  }

  private static void checkOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    Set<PosixFilePermission> others = EnumSet.noneOf(PosixFilePermission.class);
    others.addAll(permissions);
    others.removeAll(OWNER_ANY);
    if (!others.isEmpty()) {
      throw new StoreException(
          StoreException.Problem.SECRET_KEY,
          "The secret key "
              + file
              + " may be read by other users ("
              + PosixFilePermissions.toString(permissions)
              + "): make it readable by its owner only, e.g. chmod 600 "
              + file,
          null);
    }
  }

  byte[] bytes() {
    return key;
  }

  @Override
  public String toString() {
    return "KeyMaterial{redacted}";
  }
}
