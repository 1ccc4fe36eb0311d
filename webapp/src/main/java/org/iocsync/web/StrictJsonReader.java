package org.iocsync.web;

import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads JSON objects against a schema, strictly: unknown and repeated fields, wrong types and
 * missing values are each recorded with their JSON path, and reading goes on so that one pass names
 * every problem.
 */
final class StrictJsonReader {
  /** What a field's value must be. */
  enum Kind {
    STRING,
    BOOLEAN,
    INTEGER,
    STRING_LIST,
    /** A list of ids, each written as text or as a whole number. */
    ID_LIST
  }

  /** A field of an object: its kind and whether {@code null} is allowed. */
  record Field(Kind kind, boolean nullable) {}

  /** Thrown when the text is not JSON at all, after recording where. */
  static final class MalformedJsonException extends Exception {
    MalformedJsonException(String message) {
      super(message);
    }
  }

  private final JsonReader reader;
  private final List<ConfigError> errors = new ArrayList<>();

  StrictJsonReader(String json) {
    this.reader = JsonReader.of(new Buffer().writeUtf8(json));
  }

  List<ConfigError> errors() {
    return errors;
  }

  void error(String path, String message) {
    errors.add(new ConfigError(path, message));
  }

  JsonReader.Token peek() throws IOException, MalformedJsonException {
    try {
      return reader.peek();
    } catch (JsonEncodingException e) {
      throw malformed(e);
    }
  }

  String path() {
    return reader.getPath();
  }

  /** Whether the next value is an object; if not, records that and skips it. */
  boolean beginObject(String what) throws IOException, MalformedJsonException {
    if (!expect(JsonReader.Token.BEGIN_OBJECT, what)) {
      return false;
    }
    reader.beginObject();
    return true;
  }

  /** Whether the next value is a list; if not, records that and skips it. */
  boolean beginArray(String what) throws IOException, MalformedJsonException {
    if (!expect(JsonReader.Token.BEGIN_ARRAY, what)) {
      return false;
    }
    reader.beginArray();
    return true;
  }

  boolean hasNext() throws IOException, MalformedJsonException {
    try {
      return reader.hasNext();
    } catch (JsonEncodingException e) {
      throw malformed(e);
    }
  }

  String nextName() throws IOException, MalformedJsonException {
    try {
      return reader.nextName();
    } catch (JsonEncodingException e) {
      throw malformed(e);
    }
  }

  void skipValue() throws IOException, MalformedJsonException {
    try {
      reader.skipValue();
    } catch (JsonEncodingException e) {
      throw malformed(e);
    }
  }

  void endObject() throws IOException, MalformedJsonException {
    try {
      reader.endObject();
    } catch (JsonEncodingException e) {
      throw malformed(e);
    }
  }

  void endArray() throws IOException, MalformedJsonException {
    try {
      reader.endArray();
    } catch (JsonEncodingException e) {
      throw malformed(e);
    }
  }

  /** Records an error unless the document ends here. */
  void expectEnd() throws IOException, MalformedJsonException {
    boolean more;
    try {
      more = reader.peek() != JsonReader.Token.END_DOCUMENT;
    } catch (JsonEncodingException e) {
      more = true;
    }
    if (more) {
      throw new MalformedJsonException("more JSON follows the end of the top-level object");
    }
  }

  /**
   * Reads an object whose fields are all in {@code schema}.
   *
   * @param hints for names that are not fields, the message that helps the writer, such as where a
   *     secret must go instead
   */
  Values readObject(String what, Map<String, Field> schema, Map<String, String> hints)
      throws IOException, MalformedJsonException {
    String objectPath = path();
    Values values = new Values(objectPath);
    if (!beginObject(what)) {
      values.valid = false;
      return values;
    }
    while (hasNext()) {
      String name = nextName();
      String fieldPath = path();
      Field field = schema.get(name);
      if (values.paths.containsKey(name) || values.broken.contains(name)) {
        error(fieldPath, "appears twice: keep one");
        skipValue();
      } else if (field == null) {
        String hint = hints.get(name);
        error(
            fieldPath,
            hint != null
                ? hint
                : "is not a known field: use "
                    + String.join(", ", new TreeSet<>(schema.keySet()))
                    + " (names are case-sensitive)");
        skipValue();
      } else {
        readField(name, field, fieldPath, values);
      }
    }
    endObject();
    return values;
  }

  private void readField(String name, Field field, String fieldPath, Values values)
      throws IOException, MalformedJsonException {
    if (peek() == JsonReader.Token.NULL) {
      reader.nextNull();
      if (field.nullable()) {
        values.put(name, fieldPath, null);
      } else {
        error(fieldPath, "is null: " + expected(field.kind()) + " is needed");
        values.broken.add(name);
      }
      return;
    }
    Object value =
        switch (field.kind()) {
          case STRING -> string(fieldPath);
          case BOOLEAN -> bool(fieldPath);
          case INTEGER -> integer(fieldPath);
          case STRING_LIST -> list(false);
          case ID_LIST -> list(true);
        };
    if (value == null) {
      values.broken.add(name);
    } else {
      values.put(name, fieldPath, value);
    }
  }

  private @Nullable String string(String fieldPath) throws IOException, MalformedJsonException {
    if (!expect(JsonReader.Token.STRING, expected(Kind.STRING), fieldPath)) {
      return null;
    }
    return reader.nextString();
  }

  private @Nullable Boolean bool(String fieldPath) throws IOException, MalformedJsonException {
    if (!expect(JsonReader.Token.BOOLEAN, expected(Kind.BOOLEAN), fieldPath)) {
      return null;
    }
    return reader.nextBoolean();
  }

  private @Nullable Integer integer(String fieldPath) throws IOException, MalformedJsonException {
    if (!expect(JsonReader.Token.NUMBER, expected(Kind.INTEGER), fieldPath)) {
      return null;
    }
    String number = reader.nextString();
    try {
      return new BigDecimal(number).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      error(fieldPath, "is " + number + ": a whole number is needed");
      return null;
    }
  }

  private @Nullable List<String> list(boolean ids) throws IOException, MalformedJsonException {
    if (!beginArray(ids ? "a list of ids" : "a list of strings")) {
      return null;
    }
    List<String> items = new ArrayList<>();
    boolean valid = true;
    while (hasNext()) {
      String itemPath = path();
      JsonReader.Token token = peek();
      if (token == JsonReader.Token.STRING) {
        items.add(reader.nextString());
      } else if (ids && token == JsonReader.Token.NUMBER) {
        String number = reader.nextString();
        if (number.matches("\\d+")) {
          items.add(number);
        } else {
          error(itemPath, "is " + number + ": an event id is a whole number");
          valid = false;
        }
      } else {
        error(
            itemPath, "is " + describe(token) + ": " + (ids ? "an id" : "a string") + " is needed");
        skipValue();
        valid = false;
      }
    }
    endArray();
    return valid ? items : null;
  }

  private boolean expect(JsonReader.Token token, String what)
      throws IOException, MalformedJsonException {
    return expect(token, what, path());
  }

  private boolean expect(JsonReader.Token token, String what, String fieldPath)
      throws IOException, MalformedJsonException {
    JsonReader.Token actual = peek();
    if (actual == token) {
      return true;
    }
    error(fieldPath, "is " + describe(actual) + ": " + what + " is needed");
    skipValue();
    return false;
  }

  private MalformedJsonException malformed(JsonEncodingException e) {
    String message = e.getMessage();
    if (message == null || message.startsWith("Use JsonReader.setLenient")) {
      message =
          "syntax error at "
              + path()
              + " (a missing or extra comma, quote or bracket? comments are not allowed)";
    }
    return new MalformedJsonException("is not valid JSON: " + message);
  }

  /** What a failure to read the text says to its writer. */
  static String readFailure(IOException e) {
    return e instanceof EOFException
        ? "is not valid JSON: it ends early (a missing closing bracket, brace or quote?)"
        : "cannot be read: " + e.getMessage();
  }

  private static String expected(Kind kind) {
    return switch (kind) {
      case STRING -> "a string";
      case BOOLEAN -> "true or false";
      case INTEGER -> "a whole number";
      case STRING_LIST -> "a list of strings";
      case ID_LIST -> "a list of ids";
    };
  }

  private static String describe(JsonReader.Token token) {
    return switch (token) {
      case BEGIN_ARRAY -> "a list";
      case BEGIN_OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "missing";
    };
  }

  /** The fields of one object that were present with a usable value, and their paths. */
  static final class Values {
    private final String objectPath;
    private final Map<String, @Nullable Object> values = new HashMap<>();
    private final Map<String, String> paths = new LinkedHashMap<>();
    private final Set<String> broken = new HashSet<>();
    private boolean valid = true;

    private Values(String objectPath) {
      this.objectPath = objectPath;
    }

    private void put(String name, String path, @Nullable Object value) {
      values.put(name, value);
      paths.put(name, path);
    }

    /** Whether the value was an object at all. */
    boolean valid() {
      return valid;
    }

    /** Whether the field was present with a usable value (null included). */
    boolean has(String name) {
      return paths.containsKey(name);
    }

    /** Whether the field was present but unusable, an error recorded already. */
    boolean broken(String name) {
      return broken.contains(name);
    }

    /** The path of a field, present or not. */
    String path(String name) {
      return objectPath + "." + name;
    }

    @Nullable String string(String name) {
      return (String) values.get(name);
    }

    boolean bool(String name, boolean otherwise) {
      Object value = values.get(name);
      return value == null ? otherwise : (Boolean) value;
    }

    @Nullable Integer integer(String name) {
      return (Integer) values.get(name);
    }

    @SuppressWarnings("unchecked")
    List<String> list(String name) {
      Object value = values.get(name);
      return value == null ? List.of() : (List<String>) value;
    }
  }
}
