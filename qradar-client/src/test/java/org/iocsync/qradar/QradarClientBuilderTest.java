package org.iocsync.qradar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QradarClientBuilderTest {
  private static QradarClient.Builder valid() {
    return QradarClient.builder().baseUrl("https://qradar.example.org").token(Mock.TOKEN);
  }

  @Test
  void requiresBaseUrl() {
    assertThatThrownBy(() -> QradarClient.builder().token(Mock.TOKEN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl is missing");
  }

  @Test
  void assumesHttpsWithoutScheme() {
    QradarClient client = valid().baseUrl("qradar.example.org:8443").build();

    assertThat(client.toString()).contains("baseUrl=https://qradar.example.org:8443/");
  }

  @Test
  void dropsTrailingApiSegmentAndKeepsPathPrefix() {
    QradarClient client = valid().baseUrl("https://proxy.example.org/qradar/api/").build();

    assertThat(client.toString()).contains("baseUrl=https://proxy.example.org/qradar/,");
  }

  @Test
  void refusesBaseUrlWithCredentialsWithoutEchoingThem() {
    assertThatThrownBy(() -> valid().baseUrl("https://admin:s3cret@qradar.example.org").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl must not carry a user or password")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void refusesOtherSchemes() {
    assertThatThrownBy(() -> valid().baseUrl("ftp://qradar.example.org").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseUrl is not an http or https URL");
  }

  @Test
  void requiresCredentials() {
    assertThatThrownBy(() -> QradarClient.builder().baseUrl("qradar.example.org").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token is missing");
  }

  @Test
  void refusesBlankToken() {
    assertThatThrownBy(() -> valid().token("  ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token is blank");
  }

  @Test
  void refusesTokenWithLineBreakWithoutEchoingIt() {
    String token = Mock.TOKEN + "\n";

    assertThatThrownBy(() -> valid().token(token).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token holds spaces or characters a header cannot carry")
        .hasMessageNotContaining(Mock.TOKEN);
  }

  @Test
  void refusesTokenAndBasicAuthTogether() {
    assertThatThrownBy(() -> valid().basicAuth("admin", "password").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token and basicAuth exclude each other");
  }

  @Test
  void refusesBasicAuthUserWithColon() {
    assertThatThrownBy(
            () ->
                QradarClient.builder()
                    .baseUrl("qradar.example.org")
                    .basicAuth("ad:min", "password")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("basicAuth user");
  }

  @Test
  void refusesEmptyBasicAuthPassword() {
    assertThatThrownBy(
            () ->
                QradarClient.builder().baseUrl("qradar.example.org").basicAuth("admin", "").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("basicAuth password is empty");
  }

  @Test
  void refusesMalformedApiVersion() {
    assertThatThrownBy(() -> valid().apiVersion("sixteen").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiVersion 'sixteen' is not a version such as 16.0");
  }

  @Test
  void refusesCollectionsApiWithVersionBefore16() {
    assertThatThrownBy(() -> valid().apiVersion("15.0").api(ReferenceApi.COLLECTIONS).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("api COLLECTIONS needs apiVersion 16.0 or later, not 15.0");
  }

  @Test
  void boundsBatchSize() {
    assertThatThrownBy(() -> valid().batchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be within 1..50000: 0");
    assertThatThrownBy(() -> valid().batchSize(50_001).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be within 1..50000: 50001");
  }

  @Test
  void boundsPageSize() {
    assertThatThrownBy(() -> valid().pageSize(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pageSize must be within 1..50000: -1");
  }

  @Test
  void requiresPositiveTaskDeadline() {
    assertThatThrownBy(() -> valid().taskDeadline(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("taskDeadline must be positive: PT0S");
  }

  @Test
  void requiresPollIntervalWithinDeadline() {
    assertThatThrownBy(
            () ->
                valid()
                    .taskDeadline(Duration.ofSeconds(1))
                    .taskPollInterval(Duration.ofSeconds(2))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "taskPollInterval must be at least 1 ms and at most the taskDeadline");
  }

  @Test
  void toStringHidesCredentials() {
    QradarClient token = valid().build();
    QradarClient basic =
        QradarClient.builder()
            .baseUrl("qradar.example.org")
            .basicAuth("admin", "s3cret-password")
            .build();

    assertThat(token.toString()).doesNotContain(Mock.TOKEN).contains("auth=SEC token");
    assertThat(basic.toString()).doesNotContain("s3cret-password").contains("auth=basic");
  }
}
