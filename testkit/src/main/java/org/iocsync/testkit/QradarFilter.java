package org.iocsync.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * QRadar's {@code filter} query syntax: comparisons ({@code =}, {@code !=}, {@code <>}, {@code ^=},
 * {@code <}, {@code >}, {@code <=}, {@code >=}, {@code in}, {@code not in}, {@code between}, {@code
 * not between}, {@code is null}, {@code is not null}) joined by {@code and}, {@code or}, {@code
 * not} and parentheses. A comparison with a null field is false, its negation true, as QRadar
 * documents.
 */
final class QradarFilter {
  /** Reads a field of the object under test: a Long, a String, a Boolean or null. */
  interface Fields {
    @Nullable Object get(String field);
  }

  /** A filter QRadar would refuse, with the reason. */
  static final class InvalidFilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidFilterException(String message) {
      super(message);
    }
  }

  /** A parsed expression. */
  interface Node {
    boolean test(Fields fields);
  }

  /** One comparison; kept visible so that callers can use an index for {@code field = value}. */
  record Comparison(String field, String operator, List<Object> operands) implements Node {
    @Override
    public boolean test(Fields fields) {
      Object actual = fields.get(field);
      boolean negated =
          switch (operator) {
            case "!=", "not in", "not between" -> true;
            default -> false;
          };
      if (operator.equals("is null")) {
        return actual == null;
      }
      if (operator.equals("is not null")) {
        return actual != null;
      }
      if (actual == null) {
        return negated;
      }
      return switch (operator) {
        case "=" -> compare(actual, operands.get(0)) == 0;
        case "!=" -> compare(actual, operands.get(0)) != 0;
        case "<" -> compare(actual, operands.get(0)) < 0;
        case ">" -> compare(actual, operands.get(0)) > 0;
        case "<=" -> compare(actual, operands.get(0)) <= 0;
        case ">=" -> compare(actual, operands.get(0)) >= 0;
        case "in" -> operands.stream().anyMatch(o -> compare(actual, o) == 0);
        case "not in" -> operands.stream().noneMatch(o -> compare(actual, o) == 0);
        case "between" ->
            compare(actual, operands.get(0)) >= 0 && compare(actual, operands.get(1)) <= 0;
        case "not between" ->
            compare(actual, operands.get(0)) < 0 || compare(actual, operands.get(1)) > 0;
        default -> throw new AssertionError(operator);
      };
    }

    private int compare(Object actual, Object operand) {
      if (actual instanceof Long number) {
        if (!(operand instanceof Long other)) {
          throw new InvalidFilterException(
              "The value " + operand + " cannot be compared with the number field " + field);
        }
        return Long.compare(number, other);
      }
      if (actual instanceof Boolean flag) {
        return flag.toString().compareTo(String.valueOf(operand).toLowerCase(Locale.ROOT));
      }
      return actual.toString().compareTo(String.valueOf(operand));
    }
  }

  private record And(Node left, Node right) implements Node {
    @Override
    public boolean test(Fields fields) {
      return left.test(fields) && right.test(fields);
    }
  }

  private record Or(Node left, Node right) implements Node {
    @Override
    public boolean test(Fields fields) {
      return left.test(fields) || right.test(fields);
    }
  }

  private record Not(Node inner) implements Node {
    @Override
    public boolean test(Fields fields) {
      return !inner.test(fields);
    }
  }

  private static final Node ALL = fields -> true;

  private final List<String> tokens;
  private final Map<String, Class<?>> known;
  private int at;

  private QradarFilter(List<String> tokens, Map<String, Class<?>> known) {
    this.tokens = tokens;
    this.known = known;
  }

  /**
   * Parses {@code filter} over the fields {@code known}, each with the type of its values ({@code
   * Long} fields take only numbers); a null or blank filter matches all.
   */
  static Node parse(@Nullable String filter, Map<String, Class<?>> known) {
    if (filter == null || filter.isBlank()) {
      return ALL;
    }
    QradarFilter parser = new QradarFilter(tokenize(filter), known);
    Node node = parser.or();
    if (parser.at < parser.tokens.size()) {
      throw new InvalidFilterException(
          "Unexpected '" + parser.tokens.get(parser.at) + "' in filter: " + filter);
    }
    return node;
  }

  /** The comparisons joined by top-level {@code and}s, or all of it as one node. */
  static List<Node> conjuncts(Node node) {
    List<Node> out = new ArrayList<>();
    if (node instanceof And and) {
      out.addAll(conjuncts(and.left));
      out.addAll(conjuncts(and.right));
    } else if (node != ALL) {
      out.add(node);
    }
    return out;
  }

  private Node or() {
    Node left = and();
    while (keyword("or")) {
      left = new Or(left, and());
    }
    return left;
  }

  private Node and() {
    Node left = not();
    while (keyword("and")) {
      left = new And(left, not());
    }
    return left;
  }

  private Node not() {
    if (keyword("not")) {
      return new Not(not());
    }
    if (peek("(")) {
      at++;
      Node inner = or();
      expect(")");
      return inner;
    }
    return comparison();
  }

  private Node comparison() {
    String field = next("a field name");
    if (!field.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
      throw new InvalidFilterException("Expected a field name but found '" + field + "'");
    }
    Class<?> type = known.get(field);
    if (type == null) {
      throw new InvalidFilterException(
          "The field "
              + field
              + " cannot be used in a filter here; use one of "
              + new TreeSet<>(known.keySet()));
    }
    Node node = operation(field);
    if (type == Long.class && node instanceof Comparison comparison) {
      for (Object operand : comparison.operands()) {
        if (!(operand instanceof Long)) {
          throw new InvalidFilterException(
              "The field " + field + " holds numbers; " + operand + " is not one");
        }
      }
    }
    return node;
  }

  private Node operation(String field) {
    if (keyword("is")) {
      boolean not = keyword("not");
      if (!keyword("null")) {
        throw new InvalidFilterException("Expected 'null' after 'is' for " + field);
      }
      return new Comparison(field, not ? "is not null" : "is null", List.of());
    }
    boolean not = keyword("not");
    if (keyword("in")) {
      return new Comparison(field, not ? "not in" : "in", list());
    }
    if (keyword("between")) {
      Object low = operand();
      if (!keyword("and")) {
        throw new InvalidFilterException("Expected 'and' in 'between' for " + field);
      }
      return new Comparison(field, not ? "not between" : "between", List.of(low, operand()));
    }
    if (not) {
      throw new InvalidFilterException("Expected 'in' or 'between' after 'not' for " + field);
    }

    String operator = next("an operator");
    String canonical =
        switch (operator) {
          case "=", "<", ">", "<=", ">=" -> operator;
          case "!=", "<>", "^=" -> "!=";
          default ->
              throw new InvalidFilterException(
                  "Unknown operator '" + operator + "' after " + field);
        };
    return new Comparison(field, canonical, List.of(operand()));
  }

  private List<Object> list() {
    expect("(");
    List<Object> values = new ArrayList<>();
    values.add(operand());
    while (peek(",")) {
      at++;
      values.add(operand());
    }
    expect(")");
    return values;
  }

  private Object operand() {
    String token = next("a value");
    if (token.startsWith("\"")) {
      return token.substring(1);
    }
    if (token.matches("-?\\d{1,18}")) {
      return Long.parseLong(token);
    }
    if (token.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
      return token;
    }
    throw new InvalidFilterException("Expected a value but found '" + token + "'");
  }

  private boolean keyword(String word) {
    if (at < tokens.size() && tokens.get(at).equalsIgnoreCase(word)) {
      at++;
      return true;
    }
    return false;
  }

  private boolean peek(String symbol) {
    return at < tokens.size() && tokens.get(at).equals(symbol);
  }

  private void expect(String symbol) {
    if (!peek(symbol)) {
      throw new InvalidFilterException("Expected '" + symbol + "' in filter");
    }
    at++;
  }

  private String next(String what) {
    if (at >= tokens.size()) {
      throw new InvalidFilterException("The filter ends where " + what + " was expected");
    }
    return tokens.get(at++);
  }

  /** Splits into words, operators and quoted strings; a quoted token keeps its opening quote. */
  private static List<String> tokenize(String filter) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < filter.length()) {
      char c = filter.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '"') {
        StringBuilder text = new StringBuilder("\"");
        i++;
        while (true) {
          if (i >= filter.length()) {
            throw new InvalidFilterException("A quoted value is not closed in filter: " + filter);
          }
          char d = filter.charAt(i++);
          if (d == '\\' && i < filter.length()) {
            text.append(filter.charAt(i++));
          } else if (d == '"') {
            break;
          } else {
            text.append(d);
          }
        }
        tokens.add(text.toString());
      } else if ("(),".indexOf(c) >= 0) {
        tokens.add(String.valueOf(c));
        i++;
      } else if ("=<>!^".indexOf(c) >= 0) {
        int start = i;
        while (i < filter.length() && "=<>!^".indexOf(filter.charAt(i)) >= 0) {
          i++;
        }
        tokens.add(filter.substring(start, i));
      } else {
        int start = i;
        while (i < filter.length()
            && !Character.isWhitespace(filter.charAt(i))
            && "(),=<>!^\"".indexOf(filter.charAt(i)) < 0) {
          i++;
        }
        tokens.add(filter.substring(start, i));
      }
    }
    return tokens;
  }
}
