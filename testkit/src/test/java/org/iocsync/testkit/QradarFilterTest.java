package org.iocsync.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QradarFilterTest {
  private static final Map<String, Class<?>> FIELDS =
      Map.of("id", Long.class, "name", String.class, "notes", String.class);

  private static boolean matches(String filter, long id, String name) {
    Map<String, Object> object = new HashMap<>();
    object.put("id", id);
    object.put("name", name);
    return QradarFilter.parse(filter, FIELDS).test(object::get);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "id = 5 | true",
        "id=5 | true",
        "id != 5 | false",
        "id <> 4 | true",
        "id ^= 5 | false",
        "id > 4 and id < 6 | true",
        "id >= 6 or name = \"five\" | true",
        "id <= 4 | false",
        "id in (1, 5, 9) | true",
        "id not in (1, 9) | true",
        "id between 1 and 5 | true",
        "id not between 1 and 5 | false",
        "not id = 5 | false",
        "name = \"five\" and (id = 1 or id = 5) | true",
        "name = \"five\" and id = 1 or id = 5 | true",
        "name = \"five\" and not (id = 1 or id = 5) | false",
        "notes is null | true",
        "notes is not null | false",
        "notes = \"x\" | false",
        "notes != \"x\" | true",
        "name = \"say \\\"hi\\\"\" | false",
      })
  void evaluatesQradarFilterSyntax(String filter, boolean expected) {
    assertThat(matches(filter, 5, "five")).isEqualTo(expected);
  }

  @Test
  void readsEscapedQuotesInValues() {
    assertThat(matches("name = \"say \\\"hi\\\"\"", 1, "say \"hi\"")).isTrue();
  }

  @Test
  void matchesEverythingWithoutAFilter() {
    assertThat(matches(" ", 1, "x")).isTrue();
  }

  @Test
  void refusesUnknownFieldsWrongTypesAndBrokenSyntax() {
    assertThatThrownBy(() -> matches("colour = 1", 1, "x"))
        .hasMessageContaining("The field colour cannot be used in a filter here");
    assertThatThrownBy(() -> matches("id = \"five\"", 1, "x"))
        .hasMessageContaining("id holds numbers");
    assertThatThrownBy(() -> matches("id = ", 1, "x")).hasMessageContaining("The filter ends");
    assertThatThrownBy(() -> matches("name = \"open", 1, "x")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> matches("id = 1 id = 2", 1, "x")).hasMessageContaining("Unexpected");
    assertThatThrownBy(() -> matches("id ~ 1", 1, "x")).hasMessageContaining("operator");
  }

  @Test
  void splitsTopLevelConjunctionsForIndexes() {
    QradarFilter.Node node =
        QradarFilter.parse("id = 1 and name = \"x\" and (id = 2 or id = 3)", FIELDS);

    assertThat(QradarFilter.conjuncts(node))
        .hasSize(3)
        .first()
        .isInstanceOf(QradarFilter.Comparison.class);
  }
}
