package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.iocsync.qradar.QradarClient;
import org.iocsync.qradar.ReferenceApi;
import org.iocsync.testkit.FakeQradar;
import org.iocsync.testkit.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The target asks QRadar about the values it names and removes batches, on both APIs. */
class QradarSetTargetTest {
  private static final int SET_SIZE = 20_000;

  private final FakeQradar qradar = FakeQradar.builder().requestLogLimit(10).start();

  @AfterEach
  void stop() {
    qradar.close();
  }

  private QradarSetTarget target(ReferenceApi api) {
    return new QradarSetTarget(
        QradarClient.builder()
            .baseUrl(qradar.url())
            .token(qradar.token())
            .apiVersion("20.0")
            .api(api)
            .taskPollInterval(Duration.ofMillis(5))
            .build());
  }

  private static List<String> domains(int from, int count) {
    List<String> values = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      values.add("host" + i + ".example");
    }
    return values;
  }

  private void fill(String set, String type) {
    qradar.createSet(set, type);
    for (String value : domains(0, SET_SIZE)) {
      qradar.addByHand(set, value);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void presentAsksAboutTheValuesNotTheWholeSet(ReferenceApi api) {
    fill("domains", "ALN");
    QradarSetTarget target = target(api);
    List<String> asked = new ArrayList<>(domains(SET_SIZE - 500, 1_000));
    target.find("domains");
    int before = qradar.requestCount();

    Set<String> held = target.present("domains", asked);

    assertThat(held).containsExactlyInAnyOrderElementsOf(domains(SET_SIZE - 500, 500));
    assertThat(qradar.requestCount() - before).isBetween(2, 10);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void presentInACaseInsensitiveSetIgnoresCase(ReferenceApi api) {
    qradar.createSet("domains", "ALNIC");
    qradar.addByHand("domains", "evil.example");

    Set<String> held = target(api).present("domains", List.of("EVIL.example", "good.example"));

    assertThat(held).containsExactly("EVIL.example");
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void removeTakesTheBatchAndToleratesValuesAlreadyGone(ReferenceApi api) {
    fill("domains", "ALN");
    QradarSetTarget target = target(api);
    List<String> batch = new ArrayList<>(domains(100, 1_000));
    batch.add("never-there.example");

    target.remove("domains", batch);
    target.remove("domains", batch);

    assertThat(qradar.set("domains").orElseThrow().size()).isEqualTo(SET_SIZE - 1_000);
    assertThat(qradar.contains("domains", "host99.example")).isTrue();
    assertThat(qradar.contains("domains", "host100.example")).isFalse();
    assertThat(qradar.contains("domains", "host1100.example")).isTrue();
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void aServerErrorDuringARemovalIsRetryableAndTheRetryFinishesTheBatch(ReferenceApi api) {
    fill("domains", "ALN");
    QradarSetTarget target = target(api);
    List<String> batch = domains(0, 200);
    target.find("domains");
    qradar.faults().onRequest(30, Fault.serverError());

    assertThatThrownBy(() -> target.remove("domains", batch))
        .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isTrue());
    target.remove("domains", batch);

    assertThat(qradar.set("domains").orElseThrow().size()).isEqualTo(SET_SIZE - 200);
  }

  @ParameterizedTest
  @EnumSource(names = {"LEGACY", "COLLECTIONS"})
  void aMissingSetIsAPermanentFailure(ReferenceApi api) {
    QradarSetTarget target = target(api);

    assertThatThrownBy(() -> target.present("nope", List.of("a.example")))
        .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isFalse());
    assertThatThrownBy(() -> target.remove("nope", List.of("a.example")))
        .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isFalse());
  }
}
