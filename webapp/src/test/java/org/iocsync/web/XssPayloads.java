package org.iocsync.web;

import java.util.List;

/**
 * Hostile text for every kind of cross-site scripting: tags, attribute breaks, script URLs,
 * character-reference and Unicode tricks, SVG and MathML, and template syntax. Each carries its own
 * number, so that a failure names the payload.
 */
final class XssPayloads {
  static final List<String> ALL =
      List.of(
          "<script>alert(1)</script>",
          "<img src=x onerror=alert(2)>",
          "<svg onload=alert(3)>",
          "<svg><script>alert(4)</script></svg>",
          "\"><script>alert(5)</script>",
          "'><img src=x onerror=alert(6)>",
          "\" onmouseover=\"alert(7)",
          "' onfocus='alert(8)' autofocus='",
          "javascript:alert(9)",
          "JaVaScRiPt:alert(10)",
          "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMSk8L3NjcmlwdD4=",
          "&lt;script&gt;alert(12)&lt;/script&gt;",
          "&#60;script&#62;alert(13)&#60;/script&#62;",
          "&#x3C;img src=x onerror=alert(14)&#x3E;",
          "\\u003cscript\\u003ealert(15)\\u003c/script\\u003e",
          "\\x3cscript\\x3ealert(16)\\x3c/script\\x3e",
          "{{constructor.constructor('alert(17)')()}}",
          "${alert(18)}",
          "{{1000000019*3}}",
          "<%= 1000000020*3 %>",
          "#{1000000021*3}",
          "</textarea><script>alert(22)</script>",
          "</title><script>alert(23)</script>",
          "<iframe src=\"javascript:alert(24)\"></iframe>",
          "<a href=\"javascript:alert(25)\">x</a>",
          "<body onload=alert(26)>",
          "<details open ontoggle=alert(27)>",
          "<math><mtext><table><mglyph><style><img src=x onerror=alert(28)>",
          "<scr<script>ipt>alert(29)</script>",
          "<ScRiPt>alert(30)</sCrIpT>",
          "<IMG SRC=`javascript:alert(31)`>",
          "<input autofocus onfocus=alert(32)>",
          "<style>@import'//evil.example/33.css';</style>",
          "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(34)\">",
          "<base href=\"//evil.example/35/\">",
          "\uFF1Cscript\uFF1Ealert(36)\uFF1C/script\uFF1E",
          "%3Cscript%3Ealert(37)%3C/script%3E",
          "<!--<img src=\"--><img src=x onerror=alert(38)//\">",
          "`-alert(39)-`",
          "</script><script>alert(40)</script>",
          "\\\"-alert(41)-\\\"",
          "<object data=\"javascript:alert(42)\">",
          "<svg><a xlink:href=\"javascript:alert(43)\"><text>x</text></a></svg>",
          "'\"><svg/onload=alert(44)>",
          "<x onclick=alert(45)>click",
          "\u202E<script>alert(46)</script>",
          "<img\tsrc=x\tonerror=alert(47)>",
          "<img\nsrc=x\nonerror=alert(48)>");

  /** What template engines would make of the arithmetic payloads; none may appear. */
  static final List<String> EVALUATED = List.of("3000000057", "3000000060", "3000000063");

  private XssPayloads() {}

  /** Whether a page holding {@code payload} as it is would be read as markup. */
  static boolean markup(String payload) {
    return payload.chars().anyMatch(c -> c == '<' || c == '>' || c == '"' || c == '\'' || c == '&');
  }
}
