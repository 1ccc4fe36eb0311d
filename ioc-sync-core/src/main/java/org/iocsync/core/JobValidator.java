package org.iocsync.core;

import static org.iocsync.core.InvalidJobException.quote;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.iocsync.core.InvalidJobException.FieldError;
import org.jspecify.annotations.Nullable;

/**
 * Says whether a {@link JobSpec} can be run, naming every bad field at once. The checks:
 *
 * <ul>
 *   <li>{@code name}: 1 to {@value #MAX_NAME_LENGTH} characters of ASCII letters, digits, {@code
 *       .}, {@code _} and {@code -}, starting with a letter or digit, since names appear in URLs,
 *       file names and command lines.
 *   <li>{@code referenceSet}: not blank, at most {@value #MAX_REFERENCE_SET_LENGTH} characters, no
 *       white space at either end and no control characters.
 *   <li>{@code types}: each one known (to the MISP server, or to the built-in list of MISP 2.5's
 *       types when the server cannot be asked) and able to yield a value for the element type.
 *   <li>{@code eventIds}: numeric MISP event ids ({@code 1234}); event uuids are not accepted.
 *   <li>{@code tags} and {@code excludeTags}: MISP tag names, not blank, at most {@value
 *       #MAX_TAG_LENGTH} characters, without control characters, white space at either end or a
 *       leading {@code !} (excluding is what {@code excludeTags} is for), and no tag in both lists.
 *   <li>{@code intervalMinutes}: from {@value #MIN_INTERVAL_MINUTES} to {@value
 *       #MAX_INTERVAL_MINUTES} (a week).
 *   <li>{@code timeToLive}: absent, or a QRadar interval such as {@code "30 days"} or {@code "1
 *       year 6 months"} (units from {@code second} to {@code year}) no shorter than the interval,
 *       so that values do not expire between two polls.
 * </ul>
 *
 * <p>Whether the reference set exists with another element type needs QRadar: {@link
 * #checkExistingSet(JobSpec, String)} does that part once the set has been found.
 */
public final class JobValidator {
  /** The longest job name accepted. */
  public static final int MAX_NAME_LENGTH = 64;

  /**
   * The longest reference set name accepted. QRadar's API reference states no limit; this is a
   * conservative one.
   */
  public static final int MAX_REFERENCE_SET_LENGTH = 255;

  /** The longest tag name accepted, as long as MISP's tag names may be. */
  public static final int MAX_TAG_LENGTH = 255;

  /** The shortest interval between two polls, in minutes. */
  public static final int MIN_INTERVAL_MINUTES = 1;

  /** The longest interval between two polls, in minutes: a week. */
  public static final int MAX_INTERVAL_MINUTES = 7 * 24 * 60;

  private static final int MAX_LISTED_TYPES = 12;
  private static final int MAX_TIME_TO_LIVE_LENGTH = 100;

  /** Seconds in each unit of a QRadar interval; months and years as 30 and 365 days. */
  private static final Map<String, Long> SECONDS_PER_UNIT =
      Map.of(
          "second", 1L,
          "minute", 60L,
          "hour", 3_600L,
          "day", 86_400L,
          "week", 604_800L,
          "month", 2_592_000L,
          "year", 31_536_000L);

  private final Set<String> knownTypes;

  private JobValidator(Set<String> knownTypes) {
    this.knownTypes = knownTypes;
  }

  /** A validator that knows the types of MISP 2.5, for when the server cannot be asked. */
  public static JobValidator withBuiltInTypes() {
    return new JobValidator(MispTypes.builtIn());
  }

  /**
   * A validator that knows exactly {@code knownTypes}: the {@code types} of the MISP server's
   * {@code /attributes/describeTypes}.
   *
   * @throws IllegalArgumentException if {@code knownTypes} is empty
   */
  public static JobValidator withKnownTypes(Collection<String> knownTypes) {
    if (knownTypes.isEmpty()) {
      throw new IllegalArgumentException(
          "knownTypes is empty: pass the types of the server's describeTypes, or use"
              + " withBuiltInTypes() when the server cannot be asked");
    }
    return new JobValidator(new LinkedHashSet<>(knownTypes));
  }

  /**
   * Checks {@code job}.
   *
   * @throws InvalidJobException naming every bad field, if there is any
   */
  public void validate(JobSpec job) {
    List<FieldError> errors = check(job);
    if (!errors.isEmpty()) {
      throw new InvalidJobException(nameOf(job), errors);
    }
  }

  /** Every bad field of {@code job}, in the order of its fields; empty when it can be run. */
  public List<FieldError> check(JobSpec job) {
    List<FieldError> errors = new ArrayList<>();
    checkName(job.name(), errors);
    checkReferenceSet(job.referenceSet(), errors);
    // A spec read from a form or a file may lack fields its type says it has.
    if (isMissing(job.elementType())) {
      errors.add(new FieldError("elementType", "is missing: use one of IP, PORT, NUM, ALNIC, ALN"));
    } else {
      checkTypes(job.types(), job.elementType(), errors);
    }
    checkEventIds(job.eventIds(), errors);
    checkTags("tags", job.tags(), errors);
    checkTags("excludeTags", job.excludeTags(), errors);
    checkTagsDisjoint(job.tags(), job.excludeTags(), errors);
    if (isMissing(job.mode())) {
      errors.add(new FieldError("mode", "is missing: use mirror or append"));
    }
    checkInterval(job.intervalMinutes(), errors);
    checkTimeToLive(job.timeToLive(), job.intervalMinutes(), errors);
    return List.copyOf(errors);
  }

  /**
   * Checks that a reference set that already exists in QRadar can hold {@code job}'s values.
   *
   * @param existingElementType the set's element type as QRadar reports it, such as {@code "IP"} or
   *     {@code "DATE"}
   * @throws InvalidJobException if the set's element type is not the job's
   */
  public void checkExistingSet(JobSpec job, String existingElementType) {
    if (existingElementType.equalsIgnoreCase(job.elementType().name())) {
      return;
    }
    String message =
        "is "
            + job.elementType()
            + " but reference set "
            + quote(job.referenceSet())
            + " already exists in QRadar with element type "
            + quote(existingElementType)
            + ": use that element type, another reference set, or delete the set in QRadar";
    throw new InvalidJobException(nameOf(job), List.of(new FieldError("elementType", message)));
  }

  private static void checkName(@Nullable String name, List<FieldError> errors) {
    if (isMissing(name) || name.isEmpty()) {
      errors.add(new FieldError("name", "is empty: give the job a name such as malicious-ips"));
      return;
    }
    if (name.length() > MAX_NAME_LENGTH) {
      errors.add(
          new FieldError(
              "name",
              "is "
                  + name.length()
                  + " characters long: use at most "
                  + MAX_NAME_LENGTH
                  + " ("
                  + quote(name)
                  + ")"));
      return;
    }
    boolean valid = isLetterOrDigit(name.charAt(0));
    for (int i = 1; valid && i < name.length(); i++) {
      char c = name.charAt(i);
      valid = isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }
    if (!valid) {
      errors.add(
          new FieldError(
              "name",
              quote(name)
                  + " is not a valid job name: use ASCII letters, digits, '.', '_' and '-',"
                  + " starting with a letter or digit, such as malicious-ips"));
    }
  }

  private static void checkReferenceSet(@Nullable String referenceSet, List<FieldError> errors) {
    if (isMissing(referenceSet) || referenceSet.isBlank()) {
      errors.add(
          new FieldError(
              "referenceSet",
              "is empty: name the QRadar reference set the job writes to, such as"
                  + " \"MISP malicious IPs\""));
      return;
    }
    Optional<String> problem = textProblem(referenceSet, MAX_REFERENCE_SET_LENGTH);
    problem.ifPresent(p -> errors.add(new FieldError("referenceSet", quote(referenceSet) + p)));
  }

  private void checkTypes(List<String> types, ElementType elementType, List<FieldError> errors) {
    for (String type : types) {
      if (type.isBlank()) {
        errors.add(new FieldError("types", "contains an empty type: remove it"));
      } else if (!knownTypes.contains(type)) {
        errors.add(new FieldError("types", "unknown MISP type " + quote(type) + suggestion(type)));
      } else if (!MispTypes.canYield(type, elementType)) {
        errors.add(
            new FieldError(
                "types",
                "MISP type "
                    + quote(type)
                    + " never yields a value for a reference set of element type "
                    + elementType
                    + ": remove it, or use types that do ("
                    + yieldingTypes(elementType)
                    + ")"));
      }
    }
  }

  private String suggestion(String type) {
    @Nullable String best = null;
    int bestDistance = 3;
    for (String known : knownTypes) {
      int distance = known.equalsIgnoreCase(type) ? 0 : editDistance(known, type, bestDistance);
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
      }
    }
    return best != null
        ? ": did you mean " + quote(best) + "?"
        : ": see the types of the MISP server's /attributes/describeTypes";
  }

  /**
   * The edit distance between {@code a} and {@code b}, or {@code limit} when it is not under it.
   */
  private static int editDistance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit) {
      return limit;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMinimum = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        rowMinimum = Math.min(rowMinimum, current[j]);
      }
      if (rowMinimum >= limit) {
        return limit;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return Math.min(previous[b.length()], limit);
  }

  private String yieldingTypes(ElementType elementType) {
    List<String> yielding = MispTypes.yielding(knownTypes, elementType);
    if (yielding.size() <= MAX_LISTED_TYPES) {
      return String.join(", ", yielding);
    }
    return String.join(", ", yielding.subList(0, MAX_LISTED_TYPES)) + ", ...";
  }

  private static void checkEventIds(List<String> eventIds, List<FieldError> errors) {
    for (String eventId : eventIds) {
      if (!isPositiveLong(eventId)) {
        String hint =
            isUuid(eventId)
                ? ": use the event's numeric id; event uuids are not supported"
                : ": use a numeric MISP event id such as 1234";
        errors.add(new FieldError("eventIds", quote(eventId) + " is not an event id" + hint));
      }
    }
  }

  private static void checkTags(String field, List<String> tags, List<FieldError> errors) {
    for (String tag : tags) {
      tagProblem(field, tag).ifPresent(problem -> errors.add(new FieldError(field, problem)));
    }
  }

  private static Optional<String> tagProblem(String field, String tag) {
    if (tag.isBlank()) {
      return Optional.of("contains an empty tag: remove it");
    }
    if (tag.startsWith("!")) {
      String fix =
          field.equals("tags")
              ? ": to leave out attributes with a tag, list it in excludeTags without the '!'"
              : ": list the tag without the '!'";
      return Optional.of(quote(tag) + " starts with '!'" + fix);
    }
    return textProblem(tag, MAX_TAG_LENGTH).map(problem -> quote(tag) + problem);
  }

  private static void checkTagsDisjoint(
      List<String> tags, List<String> excludeTags, List<FieldError> errors) {
    // MISP compares tag names without regard to case. Malformed tags have their own error.
    Set<String> included = new LinkedHashSet<>();
    for (String tag : tags) {
      if (tagProblem("tags", tag).isEmpty()) {
        included.add(tag.toLowerCase(Locale.ROOT));
      }
    }
    for (String tag : excludeTags) {
      if (tagProblem("excludeTags", tag).isEmpty()
          && included.contains(tag.toLowerCase(Locale.ROOT))) {
        errors.add(
            new FieldError(
                "excludeTags",
                quote(tag) + " is also in tags: a tag cannot be both required and excluded"));
      }
    }
  }

  private static void checkInterval(int intervalMinutes, List<FieldError> errors) {
    if (intervalMinutes < MIN_INTERVAL_MINUTES || intervalMinutes > MAX_INTERVAL_MINUTES) {
      errors.add(
          new FieldError(
              "intervalMinutes",
              "is "
                  + intervalMinutes
                  + ": use "
                  + MIN_INTERVAL_MINUTES
                  + " to "
                  + MAX_INTERVAL_MINUTES
                  + " minutes (a week)"));
    }
  }

  private static void checkTimeToLive(
      @Nullable String timeToLive, int intervalMinutes, List<FieldError> errors) {
    if (timeToLive == null) {
      return;
    }
    long seconds = intervalSeconds(timeToLive);
    if (seconds <= 0) {
      errors.add(
          new FieldError(
              "timeToLive",
              quote(timeToLive)
                  + " is not a QRadar interval: use a number and a unit such as \"30 days\" or"
                  + " \"1 year 6 months\" (units: second, minute, hour, day, week, month, year),"
                  + " or leave it out for values that never expire"));
    } else if (intervalMinutes >= MIN_INTERVAL_MINUTES && seconds < intervalMinutes * 60L) {
      errors.add(
          new FieldError(
              "timeToLive",
              quote(timeToLive)
                  + " is shorter than the interval of "
                  + intervalMinutes
                  + " minutes: values would expire between two polls; use a longer time to live"));
    }
  }

  /**
   * The length of the QRadar interval {@code text} ({@code "30 days"}, {@code "1 year 6 months"})
   * in seconds, or 0 when it is none or is empty.
   */
  static long intervalSeconds(String text) {
    if (text.length() > MAX_TIME_TO_LIVE_LENGTH) {
      return 0;
    }
    String[] words = text.toLowerCase(Locale.ROOT).split(" ", -1);
    if (words.length % 2 != 0) {
      return 0;
    }
    long seconds = 0;
    for (int i = 0; i < words.length; i += 2) {
      String number = words[i];
      String word = words[i + 1];
      String unit = word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
      Long unitSeconds = SECONDS_PER_UNIT.get(unit);
      if (number.isEmpty() || number.length() > 9 || !isDigits(number) || unitSeconds == null) {
        return 0;
      }
      seconds += Long.parseLong(number) * unitSeconds;
    }
    return seconds;
  }

  /** Why {@code text} cannot be a QRadar or MISP name, or empty when it can. */
  private static Optional<String> textProblem(String text, int maxLength) {
    int length = text.codePointCount(0, text.length());
    if (length > maxLength) {
      return Optional.of(" is " + length + " characters long: use at most " + maxLength);
    }
    if (isSpace(text.codePointAt(0)) || isSpace(text.codePointBefore(text.length()))) {
      return Optional.of(" starts or ends with white space: remove it");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean unpaired =
          Character.isHighSurrogate(c)
              ? i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(++i))
              : Character.isLowSurrogate(c);
      if (Character.isISOControl(c) || unpaired) {
        return Optional.of(" contains control characters: remove them");
      }
    }
    return Optional.empty();
  }

  private static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static boolean isPositiveLong(String text) {
    if (text.isEmpty() || text.length() > 19 || text.charAt(0) == '0' || !isDigits(text)) {
      return false;
    }
    return text.length() < 19 || text.compareTo(Long.toString(Long.MAX_VALUE)) <= 0;
  }

  private static boolean isUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      boolean ok = dash ? c == '-' : Character.digit(c, 16) >= 0 && c < 0x80;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isMissing(@Nullable Object value) {
    return value == null;
  }

  private static String nameOf(JobSpec job) {
    return isMissing(job.name()) ? "" : job.name();
  }
}
