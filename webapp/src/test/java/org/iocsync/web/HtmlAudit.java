package org.iocsync.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a served page is made of the web app's own markup only: every {@code <} opens a tag
 * the app writes, every attribute is one it writes, no attribute is an event handler, no link or
 * form leads to a script URL, and the one script is the bundled file, with nothing inline.
 */
final class HtmlAudit {
  static final Set<String> TAGS =
      Set.of(
          "html",
          "head",
          "meta",
          "title",
          "link",
          "script",
          "body",
          "header",
          "h1",
          "h2",
          "h3",
          "main",
          "section",
          "form",
          "input",
          "label",
          "span",
          "button",
          "textarea",
          "select",
          "option",
          "div",
          "p",
          "table",
          "thead",
          "tbody",
          "tr",
          "th",
          "td",
          "a",
          "pre",
          "ul",
          "li");
  static final Set<String> ATTRIBUTES =
      Set.of(
          "lang",
          "charset",
          "name",
          "content",
          "rel",
          "href",
          "src",
          "defer",
          "class",
          "id",
          "method",
          "action",
          "type",
          "value",
          "for",
          "autocomplete",
          "placeholder",
          "rows",
          "multiple",
          "size",
          "selected",
          "checked",
          "formaction",
          "data-job",
          "data-next",
          "required",
          "autofocus",
          "minlength");
  private static final Set<String> URL_ATTRIBUTES = Set.of("href", "src", "action", "formaction");
  private static final Pattern TAG =
      Pattern.compile(
          "<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\\s+[^\\s=>/\"']+(?:\\s*=\\s*(?:\"[^\"]*\"|'[^']*'|[^\\s\"'>=]+))?)*)\\s*/?>");
  private static final Pattern ATTRIBUTE =
      Pattern.compile("([^\\s=>/\"']+)(?:\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>=]+)))?");
  private static final Pattern SCRIPT_URL =
      Pattern.compile("^(javascript|vbscript|data|livescript):", Pattern.CASE_INSENSITIVE);

  private HtmlAudit() {}

  /** What is wrong with {@code html}; empty when it is all the app's own markup. */
  static List<String> problems(String html) {
    List<String> problems = new ArrayList<>();
    int at = html.indexOf('<');
    while (at >= 0) {
      if (html.startsWith("<!DOCTYPE html>", at)) {
        at = html.indexOf('<', at + 1);
        continue;
      }
      Matcher tag = TAG.matcher(html).region(at, html.length());
      if (!tag.lookingAt()) {
        problems.add("a stray '<' at " + at + ": " + excerpt(html, at));
        at = html.indexOf('<', at + 1);
        continue;
      }
      String name = tag.group(2).toLowerCase(Locale.ROOT);
      if (!TAGS.contains(name)) {
        problems.add("a <" + name + "> the app never writes: " + excerpt(html, at));
      }
      if (tag.group(1).isEmpty()) {
        attributes(name, tag.group(3), html, at, problems);
      }
      if (name.equals("script") && tag.group(1).isEmpty()) {
        if (!html.startsWith("</script>", tag.end())) {
          problems.add("an inline script: " + excerpt(html, at));
        }
      }
      at = html.indexOf('<', tag.end());
    }
    return problems;
  }

  private static void attributes(
      String tag, String text, String html, int at, List<String> problems) {
    Matcher attribute = ATTRIBUTE.matcher(text);
    while (attribute.find()) {
      String name = attribute.group(1).toLowerCase(Locale.ROOT);
      String value =
          attribute.group(2) != null
              ? attribute.group(2)
              : attribute.group(3) != null
                  ? attribute.group(3)
                  : attribute.group(4) != null ? attribute.group(4) : "";
      if (name.startsWith("on")) {
        problems.add("an event handler " + name + ": " + excerpt(html, at));
      } else if (!ATTRIBUTES.contains(name)) {
        problems.add("an attribute " + name + " the app never writes: " + excerpt(html, at));
      }
      String decoded = decode(value).replaceAll("[\\s\\x00-\\x1f]", "");
      // An empty data URL (the page's blank icon) carries nothing to run.
      if (URL_ATTRIBUTES.contains(name)
          && SCRIPT_URL.matcher(decoded).find()
          && !decoded.equals("data:,")) {
        problems.add("a script URL in " + name + ": " + excerpt(html, at));
      }
      if (tag.equals("script") && name.equals("src") && !decoded.endsWith("static/app.js")) {
        problems.add("a script from elsewhere: " + excerpt(html, at));
      }
      if (tag.equals("meta") && name.equals("http-equiv")) {
        problems.add("a meta http-equiv: " + excerpt(html, at));
      }
    }
  }

  /** Decodes the character references a browser would before reading a URL. */
  static String decode(String value) {
    Matcher reference = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);?").matcher(value);
    StringBuilder out = new StringBuilder();
    while (reference.find()) {
      String name = reference.group(1);
      String replacement;
      if (name.startsWith("#x") || name.startsWith("#X")) {
        replacement = Character.toString(Integer.parseInt(name.substring(2), 16));
      } else if (name.startsWith("#")) {
        replacement = Character.toString(Integer.parseInt(name.substring(1)));
      } else {
        replacement =
            switch (name.toLowerCase(Locale.ROOT)) {
              case "amp" -> "&";
              case "lt" -> "<";
              case "gt" -> ">";
              case "quot" -> "\"";
              case "apos" -> "'";
              case "colon" -> ":";
              case "tab" -> "\t";
              case "newline" -> "\n";
              default -> reference.group();
            };
      }
      reference.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    reference.appendTail(out);
    return out.toString();
  }

  private static String excerpt(String html, int at) {
    return html.substring(Math.max(0, at - 40), Math.min(html.length(), at + 80))
        .replace('\n', ' ');
  }
}
