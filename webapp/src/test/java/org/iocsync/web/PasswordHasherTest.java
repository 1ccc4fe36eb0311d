package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

  @Test
  void verifiesTheRightPasswordOnly() {
    String hash = hasher.hash("correct horse battery".toCharArray());

    assertThat(hasher.verify("correct horse battery".toCharArray(), hash)).isTrue();
    assertThat(hasher.verify("correct horse batterY".toCharArray(), hash)).isFalse();
    assertThat(hasher.verify("".toCharArray(), hash)).isFalse();
  }

  @Test
  void saltsEachHash() {
    String one = hasher.hash("same password here".toCharArray());
    String two = hasher.hash("same password here".toCharArray());

    assertThat(one).isNotEqualTo(two).startsWith("pbkdf2-sha256$600000$");
  }

  @Test
  void malformedHashesMatchNothing() {
    char[] password = "anything at all".toCharArray();

    assertThat(hasher.verify(password, "")).isFalse();
    assertThat(hasher.verify(password, "md5$abc")).isFalse();
    assertThat(hasher.verify(password, "pbkdf2-sha256$x$AAAA$AAAA")).isFalse();
    assertThat(hasher.verify(password, "pbkdf2-sha256$0$AAAA$AAAA")).isFalse();
    assertThat(hasher.verify(password, "pbkdf2-sha256$1000$!!!$AAAA")).isFalse();
  }

  @Test
  void verifiesHashesMadeWithAnotherIterationCount() throws Exception {
    byte[] salt = "saltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);
    byte[] hash =
        SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(new PBEKeySpec("older password".toCharArray(), salt, 1000, 256))
            .getEncoded();
    Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
    String stored =
        "pbkdf2-sha256$1000$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);

    assertThat(hasher.verify("older password".toCharArray(), stored)).isTrue();
    assertThat(hasher.verify("other password".toCharArray(), stored)).isFalse();
  }
}
