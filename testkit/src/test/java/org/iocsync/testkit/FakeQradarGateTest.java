package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Authentication, versions, Accept, the servlet container's checks and the shared faults. */
class FakeQradarGateTest {
  private final FakeQradar qradar = FakeQradar.builder().basicAuth("admin", "s3cret").start();

  @AfterEach
  void stop() {
    qradar.close();
  }

  private Http.Answer get(String path, String... headers) throws IOException {
    return get(qradar, path, headers);
  }

  private static Http.Answer get(FakeQradar server, String path, String... headers)
      throws IOException {
    okhttp3.Request.Builder request = Http.request(server.url() + path);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return Http.call(request.build());
  }

  private Http.Answer authorized(String path, String... headers) throws IOException {
    String[] all = new String[headers.length + 2];
    all[0] = "SEC";
    all[1] = qradar.token();
    System.arraycopy(headers, 0, all, 2, headers.length);
    return get(path, all);
  }

  @Test
  void refusesAMissingTokenWith401Json() throws IOException {
    Http.Answer answer = get("/api/reference_data/sets");

    assertThat(answer.code()).isEqualTo(401);
    assertThat(answer.object())
        .containsEntry(
            "http_response",
            Map.of(
                "code",
                401.0,
                "message",
                "You are unauthorized to access the requested resource. Please log in."))
        .containsKeys("code", "description", "details");
    assertThat((String) answer.object().get("message")).startsWith("No SEC header present");
  }

  @Test
  void refusesAWrongTokenWith401Json() throws IOException {
    Http.Answer answer = get("/api/reference_data/sets", "SEC", "not-the-token");

    assertThat(answer.code()).isEqualTo(401);
    assertThat((String) answer.object().get("message")).startsWith("Invalid security token");
    assertThat(answer.body()).doesNotContain(qradar.token());
  }

  @Test
  void acceptsBasicAuthenticationWhenConfigured() throws IOException {
    Http.Answer right =
        get("/api/reference_data/sets", "Authorization", Credentials.basic("admin", "s3cret"));
    Http.Answer wrong =
        get("/api/reference_data/sets", "Authorization", Credentials.basic("admin", "guess"));

    assertThat(right.code()).isEqualTo(200);
    assertThat(wrong.code()).isEqualTo(401);
  }

  @Test
  void listsTheVersionsItOffers() throws IOException {
    Http.Answer answer = authorized("/api/help/versions", "Range", "items=0-1");

    assertThat(answer.code()).isEqualTo(200);
    assertThat(answer.header("Content-Range")).isEqualTo("items 0-1/12");
    assertThat(answer.array())
        .extracting(v -> Http.map(v).get("version"))
        .containsExactly("12.0", "12.1");
    assertThat(Http.map(answer.array().get(0)))
        .containsEntry("deprecated", true)
        .containsEntry("removed", false)
        .containsKeys("id", "root_resource_ids");
  }

  @Test
  void refusesAVersionItDoesNotOfferOrRemovedWith422() throws IOException {
    try (FakeQradar old =
        FakeQradar.builder().versions("10.0", "15.0", "16.0").removedVersions("10.0").start()) {
      Http.Answer unknown = get(old, "/api/help/versions", "SEC", old.token(), "Version", "99.0");
      Http.Answer removed = get(old, "/api/help/versions", "SEC", old.token(), "Version", "10.0");
      Http.Answer fine = get(old, "/api/help/versions", "SEC", old.token(), "Version", "15.0");

      assertThat(unknown.code()).isEqualTo(422);
      assertThat((String) unknown.object().get("message")).contains("Version 99.0");
      assertThat(removed.code()).isEqualTo(422);
      assertThat((String) removed.object().get("message")).contains("has been removed");
      assertThat(fine.code()).isEqualTo(200);
      assertThat(fine.array())
          .anySatisfy(v -> assertThat(Http.map(v)).containsEntry("removed", true));
    }
  }

  @Test
  void marksDeprecatedVersionsAndLegacyEndpointsFromVersion20() throws IOException {
    Http.Answer old = authorized("/api/reference_data/sets", "Version", "16.0");
    Http.Answer current = authorized("/api/reference_data/sets", "Version", "19.0");
    Http.Answer newest = authorized("/api/reference_data/sets");
    Http.Answer collections = authorized("/api/reference_data_collections/sets");

    assertThat(old.header("Deprecated")).isEqualTo("true");
    assertThat(current.header("Deprecated")).isNull();
    assertThat(newest.header("Deprecated")).isEqualTo("true");
    assertThat(collections.header("Deprecated")).isNull();
  }

  @Test
  void servesCollectionsOnlyFromVersion16() throws IOException {
    Http.Answer answer = authorized("/api/reference_data_collections/sets", "Version", "15.0");

    assertThat(answer.code()).isEqualTo(404);
    assertThat((String) answer.object().get("message")).contains("from API version 16.0");
  }

  @Test
  void refusesAnAcceptHeaderWithoutJsonWith406() throws IOException {
    Http.Answer html = authorized("/api/reference_data/sets", "Accept", "text/html");
    Http.Answer json = authorized("/api/reference_data/sets", "Accept", "application/json");
    Http.Answer any = authorized("/api/reference_data/sets", "Accept", "text/html, */*;q=0.1");

    assertThat(html.code()).isEqualTo(406);
    assertThat(json.code()).isEqualTo(200);
    assertThat(any.code()).isEqualTo(200);
  }

  @Test
  void refusesAnEncodedSlashWithTheServletContainersHtmlPage() throws IOException {
    qradar.createSet("a/b", "ALN");

    Http.Answer once = authorized("/api/reference_data/sets/a%2Fb");
    Http.Answer twice = authorized("/api/reference_data/sets/a%252Fb");

    assertThat(once.code()).isEqualTo(400);
    assertThat(once.header("Content-Type")).startsWith("text/html");
    assertThat(once.body()).contains("HTTP Status 400 – Bad Request");
    assertThat(twice.code()).isEqualTo(200);
    assertThat(twice.object()).containsEntry("name", "a/b");
  }

  @Test
  void decodesNamesTwiceSoOnlyDoubleEncodingKeepsPlusAndPercent() throws IOException {
    qradar.createSet("C2 + 50% off", "ALN");

    Http.Answer twice = authorized("/api/reference_data/sets/C2%2520%252B%252050%2525%2520off");
    Http.Answer plusOnce = authorized("/api/reference_data/sets/C2%20%2B%2050%2525%20off");
    Http.Answer percentOnce = authorized("/api/reference_data/sets/C2%20%252B%2050%25%20off");

    assertThat(twice.code()).isEqualTo(200);
    assertThat(twice.object()).containsEntry("name", "C2 + 50% off");
    assertThat(plusOnce.code()).isEqualTo(404);
    assertThat((String) plusOnce.object().get("message")).isEqualTo("C2   50% off does not exist");
    assertThat(percentOnce.code()).isEqualTo(422);
    assertThat((String) percentOnce.object().get("message")).contains("URL-encoded twice");
  }

  @Test
  void answersUnknownResourcesAndMethodsWithQradarJson() throws IOException {
    Http.Answer unknown = authorized("/api/siem/offenses");
    Http.Answer notApi = authorized("/console/index.html");
    Http.Answer method =
        Http.call(
            Http.request(qradar.url() + "/api/help/versions")
                .header("SEC", qradar.token())
                .put(RequestBody.create(new byte[0]))
                .build());

    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.object()).containsKey("http_response");
    assertThat(notApi.code()).isEqualTo(404);
    assertThat(method.code()).isEqualTo(405);
  }

  @Test
  void answersFaultsInQradarsJson() throws IOException {
    qradar.faults().onRequest(1, Fault.status(550)).onRequest(2, Fault.serverError());

    Http.Answer initialising = authorized("/api/help/versions");
    Http.Answer failed = authorized("/api/help/versions");

    assertThat(initialising.code()).isEqualTo(550);
    assertThat(initialising.object())
        .containsEntry("code", 1020.0)
        .containsEntry(
            "http_response",
            Map.of(
                "code",
                550.0,
                "message",
                "A failure occurred during initialization of services. API will be"
                    + " unavailable."));
    assertThat(failed.code()).isEqualTo(500);
  }

  @Test
  void doesNotApplyARequestAnsweredWithAnErrorFault() throws IOException {
    qradar.createSet("Refused", "ALN");
    qradar.faults().next(1, "POST", "/api/reference_data/sets/", Fault.status(503));

    Http.Answer answer =
        Http.call(
            Http.request(qradar.url() + "/api/reference_data/sets/Refused?value=x")
                .header("SEC", qradar.token())
                .post(RequestBody.create(new byte[0]))
                .build());

    assertThat(answer.code()).isEqualTo(503);
    assertThat(qradar.values("Refused")).isEmpty();
  }

  @Test
  void appliesARequestWhoseAnswerIsDropped() {
    qradar.createSet("Applied", "ALN");
    qradar.faults().onRequest(1, Fault.dropBeforeAnswer());

    try {
      Http.call(
          Http.request(qradar.url() + "/api/reference_data/sets/Applied?value=x")
              .header("SEC", qradar.token())
              .post(RequestBody.create(new byte[0]))
              .build());
    } catch (IOException expected) {
      // The client sees a broken connection; the write happened anyway.
    }

    assertThat(qradar.values("Applied")).containsExactly("x");
    List<LoggedRequest> requests = qradar.requests();
    assertThat(requests.get(0).fault()).isEqualTo("drop before answer");
  }
}
