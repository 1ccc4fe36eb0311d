package org.iocsync.misp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iocsync.misp.MispFixtures.KEY;

import org.junit.jupiter.api.Test;

class MispClientBuilderTest {
  @Test
  void anAddressWithoutSchemeMeansHttps() {
    MispClient client = MispClient.builder().baseUrl("misp.example.org").apiKey(KEY).build();

    assertThat(client.baseUrl()).isEqualTo("https://misp.example.org/");
  }

  @Test
  void keepsPortAndPathAndEndsThePathWithASlash() {
    MispClient client =
        MispClient.builder().baseUrl(" misp.example.org:8443/misp ").apiKey(KEY).build();

    assertThat(client.baseUrl()).isEqualTo("https://misp.example.org:8443/misp/");
  }

  @Test
  void keepsAPlainHttpSchemeWhenGiven() {
    MispClient client = MispClient.builder().baseUrl("http://127.0.0.1:8080/").apiKey(KEY).build();

    assertThat(client.baseUrl()).isEqualTo("http://127.0.0.1:8080/");
  }

  @Test
  void rejectsABlankBaseUrl() {
    assertThatThrownBy(() -> MispClient.builder().baseUrl("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl is blank; expected e.g. misp.example.org");
  }

  @Test
  void rejectsAMalformedBaseUrlNamingTheField() {
    assertThatThrownBy(() -> MispClient.builder().baseUrl("ftp://misp.example.org"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "baseUrl \"ftp://misp.example.org\" is not an http or https URL; expected e.g."
                + " https://misp.example.org");
    assertThatThrownBy(() -> MispClient.builder().baseUrl("misp.example.org:port"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseUrl \"misp.example.org:port\" is not an http or https URL");
  }

  @Test
  void rejectsCredentialsInTheBaseUrlWithoutEchoingThem() {
    assertThatThrownBy(() -> MispClient.builder().baseUrl("https://admin:s3cret@misp.example.org"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must not carry a user name or password: MISP takes only the API key")
        .message()
        .doesNotContain("s3cret");
    assertThatThrownBy(() -> MispClient.builder().baseUrl("https://admin:s3cret@misp.example:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void rejectsAQueryOrFragmentInTheBaseUrl() {
    assertThatThrownBy(() -> MispClient.builder().baseUrl("https://misp.example.org/?a=b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must not have a query or fragment");
    assertThatThrownBy(() -> MispClient.builder().baseUrl("https://misp.example.org/#top"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("baseUrl must not have a query or fragment");
  }

  @Test
  void rejectsABlankKey() {
    assertThatThrownBy(() -> MispClient.builder().apiKey(" \t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiKey is blank");
  }

  @Test
  void rejectsAKeyWithWhitespaceOrControlCharactersWithoutEchoingIt() {
    assertThatThrownBy(() -> MispClient.builder().apiKey(KEY + "\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "apiKey holds a space, control or non-ASCII character at index 40; check for a line"
                + " break or blank copied with it");
    assertThatThrownBy(() -> MispClient.builder().apiKey("abc def"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("abc");
    assertThatThrownBy(() -> MispClient.builder().apiKey("abc\u0000def"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MispClient.builder().apiKey("abcdéf"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requiresBaseUrlAndKey() {
    assertThatThrownBy(() -> MispClient.builder().apiKey(KEY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("baseUrl is required");
    assertThatThrownBy(() -> MispClient.builder().baseUrl("misp.example.org").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("apiKey is required");
  }

  @Test
  void toStringShowsTheServerButNotTheKey() {
    MispClient client = MispClient.builder().baseUrl("misp.example.org").apiKey(KEY).build();

    assertThat(client.toString())
        .isEqualTo("MispClient{baseUrl=https://misp.example.org/}")
        .doesNotContain(KEY);
  }
}
