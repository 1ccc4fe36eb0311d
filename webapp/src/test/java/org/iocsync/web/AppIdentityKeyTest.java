package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.iocsync.core.KeyMaterial;
import org.iocsync.core.SqliteStore;
import org.iocsync.core.Store;
import org.iocsync.core.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppIdentityKeyTest {
  private static final String UUID = "20326029-aee0-460f-833f-49744eb403ce";
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path stateDir;

  @Test
  void derivesRfc5869sFirstTestVector() {
    byte[] okm =
        AppIdentityKey.hkdfSha256(
            HEX.parseHex("0b".repeat(22)),
            HEX.parseHex("000102030405060708090a0b0c"),
            HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"),
            42);

    assertThat(HEX.formatHex(okm))
        .isEqualTo(
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void makesAnOwnerOnlySaltOnceAndOpensTheSecretsWithItAfterARestart() throws Exception {
    Path salt = stateDir.resolve(AppIdentityKey.SALT_FILE);
    try (Store store = open(AppIdentityKey.derive(UUID, salt))) {
      store.saveSecret("misp.key", "the-misp-key");
    }
    byte[] saltBytes = Files.readAllBytes(salt);

    try (Store store = open(AppIdentityKey.derive(UUID.toUpperCase(), salt))) {
      assertThat(store.secret("misp.key")).contains("the-misp-key");
    }
    assertThat(Files.readAllBytes(salt)).isEqualTo(saltBytes).hasSize(AppIdentityKey.SALT_BYTES);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(salt)))
        .isEqualTo("rw-------");
    assertThat(stateDir.resolve(SqliteStore.KEY_FILE)).doesNotExist();
    assertThat(
            Files.readString(
                stateDir.resolve("ioc-sync.db"), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("the-misp-key");
  }

  @Test
  void anotherAppDefinitionOrSaltCannotOpenTheSecrets() throws Exception {
    Path salt = stateDir.resolve(AppIdentityKey.SALT_FILE);
    try (Store store = open(AppIdentityKey.derive(UUID, salt))) {
      store.saveSecret("misp.key", "the-misp-key");
    }

    KeyMaterial otherApp = AppIdentityKey.derive("5f0c7e8a-1d2b-4c3d-9e8f-0a1b2c3d4e5f", salt);
    KeyMaterial otherSalt = AppIdentityKey.derive(UUID, stateDir.resolve("other.salt"));

    for (KeyMaterial wrong : new KeyMaterial[] {otherApp, otherSalt}) {
      try (Store store = open(wrong)) {
        assertThatThrownBy(() -> store.secret("misp.key"))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("does not decrypt with this store's key");
      }
    }
  }

  @Test
  void refusesASaltOfTheWrongLengthSayingHowToRecover() throws Exception {
    Path salt = stateDir.resolve(AppIdentityKey.SALT_FILE);
    Files.write(salt, new byte[7], java.nio.file.StandardOpenOption.CREATE_NEW);
    Files.setPosixFilePermissions(salt, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> AppIdentityKey.derive(UUID, salt))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("holds 7 bytes instead of 32")
        .hasMessageContaining("restore the original file");
  }

  @Test
  void refusesASaltOtherUsersMayRead() throws Exception {
    Path salt = stateDir.resolve(AppIdentityKey.SALT_FILE);
    AppIdentityKey.derive(UUID, salt);
    Files.setPosixFilePermissions(salt, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> AppIdentityKey.derive(UUID, salt))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("may be read by other users (rw-r--r--)")
        .hasMessageContaining("chmod 600");
  }

  private Store open(KeyMaterial key) {
    return SqliteStore.builder().stateDirectory(stateDir).keyMaterial(key).build();
  }
}
