package org.iocsync.web;

import java.util.List;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.ElementType;
import org.iocsync.core.JobSpec;
import org.iocsync.core.Server;
import org.iocsync.core.SyncMode;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;

/**
 * The fake MISP and QRadar of {@code ioc-sync demo}, seeded with sample events: realistic
 * indicators of many types, some invalid, some hostile, plus a few hundred generated ones.
 */
final class DemoServers implements AutoCloseable {
  /** How many generated attributes the fake MISP holds besides the hand-made samples. */
  static final int SEEDED = 300;

  private static final List<String[]> WATCHED =
      List.of(
          new String[] {"ip-dst", "203.0.113.77"},
          new String[] {"ip-src", "198.51.100.23"},
          new String[] {"ip-dst|port", "192.0.2.44|8443"},
          new String[] {"domain", "login-update.example.net"},
          new String[] {"hostname", "cdn.badsite.example.com"},
          new String[] {"url", "http://paste.example.org/raw/Zx81"},
          new String[] {"md5", "9e107d9d372bb6826bd81d3542a419d6"},
          new String[] {
            "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
          },
          new String[] {"domain", "<script>alert('demo')</script>.example"},
          new String[] {"ip-dst", "107.183.86"});

  private record DemoJob(
      String name, String referenceSet, ElementType elementType, List<String> types) {}

  private static final List<DemoJob> JOBS =
      List.of(
          new DemoJob(
              "malicious-ips",
              "MISP malicious IPs",
              ElementType.IP,
              List.of("ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain|ip")),
          new DemoJob(
              "bad-domains", "MISP domains", ElementType.ALNIC, List.of("domain", "hostname")),
          new DemoJob(
              "file-hashes",
              "MISP file hashes",
              ElementType.ALNIC,
              List.of("md5", "sha1", "sha256")),
          new DemoJob("phishing-urls", "MISP URLs", ElementType.ALN, List.of("url")));

  final FakeMisp misp;
  final FakeQradar qradar;
  final long watchedEvent;

  private DemoServers(FakeMisp misp, FakeQradar qradar, long watchedEvent) {
    this.misp = misp;
    this.qradar = qradar;
    this.watchedEvent = watchedEvent;
  }

  static DemoServers start() {
    FakeMisp misp = FakeMisp.start();
    FakeQradar qradar;
    try {
      qradar = FakeQradar.start();
    } catch (RuntimeException e) {
      misp.close();
      throw e;
    }
    misp.addSamples();
    misp.seed(SEEDED);
    long event = misp.addEvent(FakeMisp.event("Demo: indicators to change by hand"));
    for (String[] attribute : WATCHED) {
      misp.addAttribute(event, attribute[0], attribute[1]);
    }
    return new DemoServers(misp, qradar, event);
  }

  /** Points the store at the fakes and adds jobs that read them, polling every minute. */
  void configure(SyncService service) {
    service.saveConnection(
        Server.MISP,
        new ConnectionSettings(misp.url(), null, true, null),
        new Secret(misp.apiKey()));
    service.saveConnection(
        Server.QRADAR,
        new ConnectionSettings(qradar.url(), null, true, null),
        new Secret(qradar.token()));
    for (DemoJob job : JOBS) {
      service.saveJob(
          new JobSpec(
              job.name(),
              job.referenceSet(),
              job.elementType(),
              job.types(),
              List.of(),
              List.of(),
              List.of("tlp:red"),
              true,
              true,
              false,
              SyncMode.MIRROR,
              1,
              true,
              null));
    }
  }

  @Override
  public void close() {
    qradar.close();
    misp.close();
  }
}
