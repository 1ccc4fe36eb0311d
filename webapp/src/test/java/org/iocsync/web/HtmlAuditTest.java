package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The checker the XSS tests rely on finds what it must. */
class HtmlAuditTest {
  private static final String PAGE =
      "<!DOCTYPE html><html lang=\"en\"><head><script src=\"static/app.js\" defer></script></head>"
          + "<body><p class=\"value\">%s</p><a href=\"%s\">x</a></body></html>";

  @Test
  void passesThePagesOwnMarkupAndEscapedPayloads() {
    String page = PAGE.formatted(Html.escape("<img src=x onerror=alert(1)>"), "?edit=ips");

    assertThat(HtmlAudit.problems(page)).isEmpty();
  }

  @Test
  void findsTagsHandlersScriptUrlsAndInlineScripts() {
    assertThat(HtmlAudit.problems(PAGE.formatted("<img src=x onerror=alert(1)>", "./")))
        .anyMatch(problem -> problem.contains("<img>"))
        .anyMatch(problem -> problem.contains("onerror"));
    assertThat(HtmlAudit.problems(PAGE.formatted("x", "&#106;avascript&colon;alert(1)")))
        .anyMatch(problem -> problem.contains("script URL"));
    assertThat(HtmlAudit.problems(PAGE.formatted("<script>alert(1)</script>", "./")))
        .anyMatch(problem -> problem.contains("inline script"));
    assertThat(HtmlAudit.problems(PAGE.formatted("< script>", "./")))
        .anyMatch(problem -> problem.contains("stray"));
    assertThat(HtmlAudit.problems(PAGE.formatted("\" onmouseover=\"x", "./"))).isEmpty();
    assertThat(HtmlAudit.problems("<p class=\"a\" onmouseover=\"x\">"))
        .anyMatch(problem -> problem.contains("onmouseover"));
  }
}
