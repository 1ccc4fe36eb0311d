package org.iocsync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Set;
import org.iocsync.core.InvalidJobException.FieldError;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class JobValidatorTest {
  private final JobValidator validator = JobValidator.withBuiltInTypes();

  /** A sound job; each test changes one field. */
  private static Job job() {
    return new Job();
  }

  /** A mutable builder over {@link JobSpec}'s many fields, for tests only. */
  private static final class Job {
    @Nullable String name = "malicious-ips";
    @Nullable String referenceSet = "MISP malicious IPs";
    @Nullable ElementType elementType = ElementType.IP;
    List<String> types = List.of("ip-src", "ip-dst", "ip-dst|port", "domain|ip");
    List<String> eventIds = List.of();
    List<String> tags = List.of();
    List<String> excludeTags = List.of("tlp:red");
    @Nullable SyncMode mode = SyncMode.MIRROR;
    int intervalMinutes = 15;
    @Nullable String timeToLive = null;

    JobSpec spec() {
      return new JobSpec(
          name,
          referenceSet,
          elementType,
          types,
          eventIds,
          tags,
          excludeTags,
          true,
          true,
          false,
          mode,
          intervalMinutes,
          true,
          timeToLive);
    }
  }

  private List<FieldError> errorsOf(Job job) {
    return validator.check(job.spec());
  }

  @Test
  void acceptsASoundJob() {
    validator.validate(job().spec());

    assertThat(errorsOf(job())).isEmpty();
  }

  @Test
  void acceptsEmptyFiltersAndTheEdgesOfEveryRange() {
    Job job = job();
    job.name = "a";
    job.referenceSet = "s".repeat(255);
    job.types = List.of();
    job.eventIds = List.of("1", "9223372036854775807");
    job.tags = List.of("tlp:green", "misp-galaxy:threat-actor=\"APT 28\"", "t".repeat(255));
    job.excludeTags = List.of();
    job.intervalMinutes = 1;

    assertThat(errorsOf(job)).isEmpty();

    job.name = "n".repeat(64);
    job.intervalMinutes = 10_080;
    job.timeToLive = "1 week";

    assertThat(errorsOf(job)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"malicious-ips", "ips.v2", "A_b-9", "0day"})
  void acceptsNamesOfLettersDigitsDotsUnderscoresAndHyphens(String name) {
    Job job = job();
    job.name = name;

    assertThat(errorsOf(job)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-leading-hyphen",
        ".hidden",
        "..",
        "has space",
        "slash/name",
        "question?",
        "percent%20",
        "tab\tname",
        "new\nline",
        "ümlaut",
        "emoji\ud83d\ude00"
      })
  void rejectsNamesThatAreUnsafeInUrlsAndCommandLines(String name) {
    Job job = job();
    job.name = name;

    assertThat(errorsOf(job)).extracting(FieldError::field).containsExactly("name");
  }

  @Test
  void rejectsNamesOver64Characters() {
    Job job = job();
    job.name = "n".repeat(65);

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("name");
              assertThat(error.message()).contains("65 characters", "at most 64");
            });
  }

  @Test
  void rejectsAMissingName() {
    Job job = job();
    job.name = null;

    assertThat(errorsOf(job)).extracting(FieldError::field).containsExactly("name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "   ", " leading", "trailing ", "new\nline", "nul\u0000", "lone \ud800"})
  void rejectsEmptyOrMalformedReferenceSetNames(String referenceSet) {
    Job job = job();
    job.referenceSet = referenceSet;

    assertThat(errorsOf(job)).extracting(FieldError::field).containsExactly("referenceSet");
  }

  @Test
  void rejectsReferenceSetNamesOver255Characters() {
    Job job = job();
    job.referenceSet = "s".repeat(256);

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(error -> assertThat(error.message()).contains("256 characters", "at most 255"));
  }

  @Test
  void countsReferenceSetNameLengthInCharactersNotCodeUnits() {
    Job job = job();
    job.referenceSet = "\ud83d\ude00".repeat(255);

    assertThat(errorsOf(job)).isEmpty();
  }

  @Test
  void rejectsAMissingReferenceSetElementTypeOrMode() {
    Job job = job();
    job.referenceSet = null;
    job.elementType = null;
    job.mode = null;

    assertThat(errorsOf(job))
        .extracting(FieldError::field)
        .containsExactly("referenceSet", "elementType", "mode");
  }

  @Test
  void rejectsUnknownTypesAndSuggestsTheNearestKnownOne() {
    Job job = job();
    job.types = List.of("ip-src", "ip-scr", "as", "no-such-type-at-all");
    job.elementType = ElementType.ALNIC;

    assertThat(errorsOf(job))
        .extracting(FieldError::message)
        .containsExactly(
            "unknown MISP type \"ip-scr\": did you mean \"ip-src\"?",
            "unknown MISP type \"as\": did you mean \"AS\"?",
            "unknown MISP type \"no-such-type-at-all\": see the types of the MISP server's"
                + " /attributes/describeTypes");
  }

  @Test
  void rejectsEmptyTypes() {
    Job job = job();
    job.types = List.of("ip-src", " ");

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("types");
              assertThat(error.message()).contains("empty type");
            });
  }

  @Test
  void checksTypesAgainstTheServersTypesWhenGiven() {
    JobValidator server = JobValidator.withKnownTypes(List.of("ip-src", "ip-dst", "new-type"));
    Job job = job();
    job.elementType = ElementType.ALNIC;
    job.types = List.of("new-type", "ip-src", "domain");

    List<FieldError> errors = server.check(job.spec());

    assertThat(errors)
        .singleElement()
        .satisfies(error -> assertThat(error.message()).startsWith("unknown MISP type \"domain\""));
  }

  @Test
  void refusesAnEmptyListOfKnownTypes() {
    assertThatThrownBy(() -> JobValidator.withKnownTypes(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withBuiltInTypes()");
  }

  @Test
  void rejectsTypesThatNeverYieldAValueForTheElementTypeAndNamesThoseThatDo() {
    Job job = job();
    job.elementType = ElementType.IP;
    job.types = List.of("ip-src", "domain", "md5");

    List<FieldError> errors = errorsOf(job);

    assertThat(errors).hasSize(2).extracting(FieldError::field).containsOnly("types");
    assertThat(errors.get(0).message())
        .isEqualTo(
            "MISP type \"domain\" never yields a value for a reference set of element type IP:"
                + " remove it, or use types that do (ip-src, ip-dst, domain|ip, ip-dst|port,"
                + " ip-src|port)");
    assertThat(errors.get(1).message()).startsWith("MISP type \"md5\" never yields");
  }

  @Test
  void acceptsEveryKnownTypeForTextSets() {
    Job job = job();
    job.elementType = ElementType.ALNIC;
    job.types = List.copyOf(MispTypes.builtIn());

    assertThat(errorsOf(job)).isEmpty();
  }

  @Test
  void acceptsTheTypesThatYieldPortsAndNumbers() {
    Job ports = job();
    ports.elementType = ElementType.PORT;
    ports.types = List.of("ip-src|port", "ip-dst|port", "hostname|port", "port");
    Job numbers = job();
    numbers.elementType = ElementType.NUM;
    numbers.types = List.of("AS", "integer", "counter", "size-in-bytes");

    assertThat(errorsOf(ports)).isEmpty();
    assertThat(errorsOf(numbers)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "-1",
        "01",
        "1.5",
        "abc",
        "",
        " 1",
        "9223372036854775808",
        "99999999999999999999"
      })
  void rejectsEventIdsThatAreNotPositiveIntegers(String eventId) {
    Job job = job();
    job.eventIds = List.of("42", eventId);

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("eventIds");
              assertThat(error.message()).contains("numeric MISP event id");
            });
  }

  @Test
  void rejectsEventUuidsSayingWhy() {
    Job job = job();
    job.eventIds = List.of("5f4a3b2c-1d0e-4f9a-8b7c-6d5e4f3a2b1c");

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(error -> assertThat(error.message()).contains("uuids are not supported"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", " tlp:red", "tlp:red ", "line\nbreak", "!tlp:red"})
  void rejectsMalformedTags(String tag) {
    Job job = job();
    job.tags = List.of("tlp:white", tag);
    job.excludeTags = List.of(tag);

    assertThat(errorsOf(job)).extracting(FieldError::field).containsExactly("tags", "excludeTags");
  }

  @Test
  void pointsANegatedTagToExcludeTags() {
    Job job = job();
    job.tags = List.of("!tlp:red");

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(error -> assertThat(error.message()).contains("list it in excludeTags"));
  }

  @Test
  void rejectsTagsOver255Characters() {
    Job job = job();
    job.tags = List.of("t".repeat(256));

    assertThat(errorsOf(job)).extracting(FieldError::field).containsExactly("tags");
  }

  @Test
  void rejectsATagThatIsBothRequiredAndExcludedWhateverItsCase() {
    Job job = job();
    job.tags = List.of("TLP:Amber");
    job.excludeTags = List.of("tlp:red", "tlp:amber");

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("excludeTags");
              assertThat(error.message()).contains("\"tlp:amber\" is also in tags");
            });
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10_081, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void rejectsIntervalsUnderOneMinuteOrOverAWeek(int minutes) {
    Job job = job();
    job.intervalMinutes = minutes;

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("intervalMinutes");
              assertThat(error.message()).contains("is " + minutes, "1 to 10080 minutes");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "30 days",
        "1 day",
        "1 year 6 months",
        "15 minutes",
        "900 seconds",
        "2 Weeks",
        "12 hours"
      })
  void acceptsQradarIntervalsAsTimeToLive(String timeToLive) {
    Job job = job();
    job.timeToLive = timeToLive;

    assertThat(errorsOf(job)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "30",
        "days",
        "30days",
        "30  days",
        " 30 days",
        "30 fortnights",
        "-1 days",
        "1.5 days",
        "0 days",
        "1 day 2",
        "1000000000 years",
        "P30D"
      })
  void rejectsTimeToLiveThatIsNoQradarInterval(String timeToLive) {
    Job job = job();
    job.timeToLive = timeToLive;

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("timeToLive");
              assertThat(error.message()).contains("not a QRadar interval", "\"30 days\"");
            });
  }

  @Test
  void rejectsATimeToLiveShorterThanTheInterval() {
    Job job = job();
    job.intervalMinutes = 60;
    job.timeToLive = "59 minutes";

    assertThat(errorsOf(job))
        .singleElement()
        .satisfies(error -> assertThat(error.message()).contains("expire between two polls"));

    job.timeToLive = "1 hour";

    assertThat(errorsOf(job)).isEmpty();
  }

  @Test
  void namesEveryBadFieldInOneException() {
    Job job = job();
    job.name = "bad name";
    job.referenceSet = "";
    job.types = List.of("domain", "nope");
    job.eventIds = List.of("x");
    job.tags = List.of("!a");
    job.excludeTags = List.of(" b");
    job.intervalMinutes = 0;
    job.timeToLive = "soon";

    InvalidJobException thrown =
        catchThrowableOfType(InvalidJobException.class, () -> validator.validate(job.spec()));

    assertThat(thrown.errors())
        .extracting(FieldError::field)
        .containsExactly(
            "name",
            "referenceSet",
            "types",
            "types",
            "eventIds",
            "tags",
            "excludeTags",
            "intervalMinutes",
            "timeToLive");
    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid job \"bad name\" (9 problems): name: \"bad name\" is not")
        .hasMessageContaining("; intervalMinutes: is 0: use 1 to 10080 minutes (a week); ");
  }

  @Test
  void quotesBadValuesSafelyInMessages() {
    Job job = job();
    job.name = "evil\nINFO forged log line\u202e" + "x".repeat(200);

    InvalidJobException thrown =
        catchThrowableOfType(InvalidJobException.class, () -> validator.validate(job.spec()));

    assertThat(thrown.getMessage())
        .doesNotContain("\n", "\u202e")
        .contains("\"evil\\u000aINFO forged log line\\u202e")
        .contains("...\"");
    assertThat(thrown.getMessage().length()).isLessThan(700);
  }

  @Test
  void acceptsAnExistingSetOfTheJobsElementType() {
    validator.checkExistingSet(job().spec(), "IP");
  }

  @Test
  void rejectsAnExistingSetOfAnotherElementType() {
    InvalidJobException thrown =
        catchThrowableOfType(
            InvalidJobException.class, () -> validator.checkExistingSet(job().spec(), "DATE"));

    assertThat(thrown.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.field()).isEqualTo("elementType");
              assertThat(error.message())
                  .isEqualTo(
                      "is IP but reference set \"MISP malicious IPs\" already exists in QRadar"
                          + " with element type \"DATE\": use that element type, another"
                          + " reference set, or delete the set in QRadar");
            });
    assertThat(thrown).hasMessageStartingWith("Invalid job \"malicious-ips\": elementType: is IP");
  }

  @Test
  void refusesAnExceptionWithoutErrors() {
    assertThatThrownBy(() -> new InvalidJobException("job", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one field error");
  }
}
