package org.iocsync.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.iocsync.core.KeyMaterial;

/**
 * The key that seals a QRadar app's stored secrets, derived with HKDF-SHA256 (RFC 5869) from the
 * app definition's UUID ({@code QRADAR_APP_UUID}) and a random salt of this installation, kept in
 * {@value #SALT_FILE} in the state directory.
 *
 * <p>What is secret here is the salt, and only the salt: the UUID is the manifest's {@code uuid},
 * the same on every console and printed in the archive anyone can download. Whoever can read the
 * whole store (the salt beside the database) can rebuild the key, exactly as with a key file. What
 * the derivation buys is narrow: a copy of the database alone (a support bundle, a stray backup of
 * one file) does not decrypt, no file in the store is usable as the key by itself, and a store
 * moved to another app definition does not decrypt there. It follows IBM's qpylib, which derives
 * app secrets' keys from the same UUID and a salt in the store.
 */
final class AppIdentityKey {
  /** The file, in the state directory, that holds this installation's 32 random salt bytes. */
  static final String SALT_FILE = "secret.salt";

  static final int SALT_BYTES = 32;

  private static final byte[] INFO = "ioc-sync stored secrets v1".getBytes(StandardCharsets.UTF_8);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> OWNER_ANY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  private AppIdentityKey() {}

  /**
   * The key for an app definition's UUID and the salt in {@code saltFile}, which is made with
   * random bytes, readable by its owner only, when missing.
   *
   * @throws IllegalStateException when the salt file cannot be read or made, or has the wrong
   *     length
   */
  static KeyMaterial derive(String appUuid, Path saltFile) {
    byte[] salt = loadOrCreateSalt(saltFile);
    byte[] uuid = appUuid.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    byte[] key = hkdfSha256(uuid, salt, INFO, KeyMaterial.KEY_BYTES);
    try {
      return KeyMaterial.of(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** HKDF-SHA256 (RFC 5869): extract with {@code salt}, then expand to {@code length} bytes. */
  static byte[] hkdfSha256(byte[] inputKey, byte[] salt, byte[] info, int length) {
    if (length < 1 || length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 gives 1 to 8160 bytes, not " + length);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
      byte[] pseudorandomKey = mac.doFinal(inputKey);

      mac.init(new SecretKeySpec(pseudorandomKey, "HmacSHA256"));
      byte[] out = new byte[length];
      byte[] block = new byte[0];
      for (int counter = 1, filled = 0; filled < length; counter++) {
        mac.update(block);
        mac.update(info);
        mac.update((byte) counter);
        block = mac.doFinal();
        int take = Math.min(block.length, length - filled);
        System.arraycopy(block, 0, out, filled, take);
        filled += take;
      }
      Arrays.fill(pseudorandomKey, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JDK lacks HmacSHA256: " + e.getMessage(), e);
    }
  }

  private static byte[] loadOrCreateSalt(Path file) {
    try {
      if (Files.notExists(file)) {
        create(file);
      }
      checkOwnerOnly(file);
      byte[] salt = Files.readAllBytes(file);
      if (salt.length != SALT_BYTES) {
        throw new IllegalStateException(
            "The salt "
                + file
                + " holds "
                + salt.length
                + " bytes instead of "
                + SALT_BYTES
                + ": restore the original file (the stored secrets need it), or delete it and"
                + " enter the MISP key (and any token typed by hand) again");
      }
      return salt;
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read or create the salt "
              + file
              + " that the stored secrets' key is derived from: "
              + e.getMessage(),
          e);
    }
  }

  private static void create(Path file) throws IOException {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    // Written aside and moved in whole, so that a crash never leaves a short salt behind.
    Path partial =
        Files.getFileStore(folder).supportsFileAttributeView("posix")
            ? Files.createTempFile(
                folder, SALT_FILE, ".new", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(folder, SALT_FILE, ".new");
    try {
      Files.write(partial, salt);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static void checkOwnerOnly(Path file) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions = view.readAttributes().permissions();
    if (!OWNER_ANY.containsAll(permissions)) {
      throw new IllegalStateException(
          "The salt "
              + file
              + " may be read by other users ("
              + PosixFilePermissions.toString(permissions)
              + "): make it readable by its owner only, e.g. chmod 600 "
              + file);
    }
  }
}
