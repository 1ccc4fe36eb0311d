package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.iocsync.testkit.FakeMisp;
import org.iocsync.testkit.FakeQradar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the QRadar app archive as QRadar's image build would, into a temporary folder standing
 * for {@code /opt/app-root}, and runs the app on the Java runtime the archive carries: the build
 * scripts unpack and accept it, its binaries need no glibc newer than UBI 8's, it holds every
 * module the jar needs, the start script serves the app in QRadar mode with it, and it syncs over
 * TLS.
 */
class QradarAppRuntimeIT {
  private static final Path ARCHIVE = Path.of("target", "ioc-sync-qradar-app.zip");
  private static final String RUNTIME_TARBALL = "container/build/ioc-sync-runtime.tar.gz";
  private static final String APP_ROOT = "/opt/app-root/";

  /** The glibc of Red Hat UBI 8, the App Framework v2 base image. */
  private static final String BASE_IMAGE_GLIBC = "2.28";

  /** The runtime and the jar together; QRadar's upload of a larger archive is slow at best. */
  private static final long MAX_ARCHIVE_BYTES = 100L * 1024 * 1024;

  @TempDir static Path appRoot;

  private static Path runtime;
  private static String imageBuildLog;

  @BeforeAll
  static void installLikeQradar() throws Exception {
    try (ZipFile zip = new ZipFile(ARCHIVE.toFile())) {
      assumeTrue(
          zip.getEntry(RUNTIME_TARBALL) != null,
          "Skipping: the archive carries no Java runtime, because the build found no JDK that runs"
              + " on glibc 2.28 (see its '[qradar-app runtime]' line; -Dqradar.jdk=DIR names one)");
      Map<String, Integer> modes = QradarAppArchiveIT.unixModes(Files.readAllBytes(ARCHIVE));
      for (ZipEntry entry : Collections.list(zip.entries())) {
        Path target = appRoot.resolve(entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, target);
        }
        if ((modes.get(entry.getName()) & 0100) != 0) {
          Set<PosixFilePermission> permissions =
              EnumSet.copyOf(Files.getPosixFilePermissions(target));
          permissions.add(PosixFilePermission.OWNER_EXECUTE);
          Files.setPosixFilePermissions(target, permissions);
        }
      }
    }
    StringBuilder log = new StringBuilder();
    for (String command : Files.readAllLines(appRoot.resolve("container/build/ordering.txt"))) {
      log.append(runScript(command));
    }
    imageBuildLog = log.toString();
    runtime = appRoot.resolve("runtime");
  }

  @Test
  void unpacksTheRuntimeBeforeTheImageBuildChecksForJava() throws IOException {
    assertThat(Files.readAllLines(appRoot.resolve("container/build/ordering.txt")))
        .containsExactly(
            APP_ROOT + "container/build/unpack-runtime.sh",
            APP_ROOT + "container/build/check-java.sh");

    assertThat(imageBuildLog)
        .contains("Unpacked IOC Sync's Java runtime into " + runtime)
        .containsPattern("IOC Sync will run on Java (1[7-9]|[2-9]\\d), from the runtime bundled")
        .contains(runtime.resolve("bin/java").toString());
  }

  @Test
  void runsJavaSeventeenOrNewerAndNamesItsOrigin() throws Exception {
    Process java =
        new ProcessBuilder(runtime.resolve("bin/java").toString(), "-version")
            .redirectErrorStream(true)
            .start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(out).isZero();
    Matcher version = Pattern.compile("version \"(\\d+)").matcher(out);
    assertThat(version.find()).as(out).isTrue();
    assertThat(Integer.parseInt(version.group(1))).isGreaterThanOrEqualTo(17);
    assertThat(release().get("IMPLEMENTOR")).as("the runtime's origin").isNotBlank();
  }

  @Test
  void needsNoGlibcNewerThanTheBaseImages() throws IOException {
    List<Path> binaries = elfFiles(runtime);
    Set<String> needed = new TreeSet<>();
    for (Path binary : binaries) {
      needed.addAll(GlibcNeeds.of(Files.readAllBytes(binary)));
    }

    assertThat(binaries)
        .contains(runtime.resolve("bin/java"), runtime.resolve("lib/server/libjvm.so"));
    assertThat(needed).as("GLIBC_ versions needed by %s", binaries).isNotEmpty();
    assertThat(needed)
        .allSatisfy(
            version ->
                assertThat(GlibcNeeds.compare(version, BASE_IMAGE_GLIBC))
                    .as("GLIBC_%s", version)
                    .isLessThanOrEqualTo(0));
  }

  @Test
  void readsTheSameGlibcNeedsAsObjdump() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/objdump")),
        "Skipping the cross-check: binutils' objdump is missing (apt-get install binutils)");
    Path buildJava = Path.of(System.getProperty("java.home"));

    for (Path binary :
        List.of(
            buildJava.resolve("bin/java"),
            buildJava.resolve("lib/server/libjvm.so"),
            runtime.resolve("lib/server/libjvm.so"))) {
      assertThat(new TreeSet<>(GlibcNeeds.of(Files.readAllBytes(binary))))
          .as(binary.toString())
          .isEqualTo(objdumpGlibcNeeds(binary));
    }
  }

  @Test
  void comparesGlibcVersionsNumberByNumber() {
    assertThat(GlibcNeeds.compare("2.9", BASE_IMAGE_GLIBC)).isNegative();
    assertThat(GlibcNeeds.compare("2.28", BASE_IMAGE_GLIBC)).isZero();
    assertThat(GlibcNeeds.compare("2.28.1", BASE_IMAGE_GLIBC)).isPositive();
    assertThat(GlibcNeeds.compare("2.34", BASE_IMAGE_GLIBC)).isPositive();
  }

  @Test
  void holdsEveryModuleTheJarNeeds() throws Exception {
    Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
    assumeTrue(Files.isExecutable(jdeps), "Skipping: the build's Java has no jdeps");
    Process process =
        new ProcessBuilder(
                jdeps.toString(),
                "--ignore-missing-deps",
                "--multi-release",
                "17",
                "--print-module-deps",
                appRoot.resolve("app/ioc-sync.jar").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    List<String> needed = Arrays.asList(out.strip().split(","));

    String modules = release().get("MODULES");

    assertThat(needed).contains("java.base");
    assertThat(modules.split(" ")).contains(needed.toArray(String[]::new));
  }

  @Test
  void servesTheAppInQradarModeOnTheBundledRuntime() throws Exception {
    runScript(APP_ROOT + "container/run/prepare-store.sh");
    ProcessBuilder builder =
        new ProcessBuilder(
                appRoot.resolve("container/service/start-ioc-sync.sh").toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                "0")
            .redirectError(appRoot.resolve("app.log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).contains("proxy"));
    env.remove("JAVA_HOME");
    env.put("APP_ROOT", appRoot.toString());
    env.put("QRADAR_APP_ID", "1234");
    env.put("QRADAR_APP_UUID", "20326029-aee0-460f-833f-49744eb403ce");
    env.put("QRADAR_CONSOLE_FQDN", "127.0.0.1:9");
    env.put("QRADAR_CONSOLE_IP", "127.0.0.1");
    Process app = builder.start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      Matcher address =
          Pattern.compile("running at (http://127\\.0\\.0\\.1:\\d+)/")
              .matcher(String.valueOf(first));
      assertThat(address.find()).as("%s\n%s", first, appLog()).isTrue();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

      HttpResponse<String> pong = get(http, address.group(1) + "/debug");
      HttpResponse<String> page = get(http, address.group(1) + "/");

      assertThat(app.info().command()).contains(runtime.resolve("bin/java").toString());
      assertThat(pong.statusCode()).isEqualTo(200);
      assertThat(pong.body()).isEqualTo("Pong!");
      assertThat(page.statusCode()).as(appLog()).isEqualTo(200);
      assertThat(page.body()).contains("IOC Sync");
      assertThat(appLog()).doesNotContain("WARNING: A restricted method");
    } finally {
      app.destroy();
      assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void syncsOverTlsWithAnEcKeyOnTheBundledRuntime() throws Exception {
    HeldCertificate certificate =
        new HeldCertificate.Builder().ecdsa256().addSubjectAlternativeName("127.0.0.1").build();
    HandshakeCertificates server =
        new HandshakeCertificates.Builder().heldCertificate(certificate).build();
    try (FakeMisp misp = FakeMisp.builder().https(server.sslSocketFactory()).start();
        FakeQradar qradar = FakeQradar.builder().https(server.sslSocketFactory()).start()) {
      long event = misp.addEvent(FakeMisp.event("Phishing wave"));
      misp.addAttribute(event, "ip-dst", "203.0.113.7");
      Path work = Files.createDirectories(appRoot.resolve("sync-test"));
      Files.writeString(work.resolve("ca.pem"), certificate.certificatePem());
      Files.writeString(work.resolve("misp.key"), misp.apiKey());
      Files.writeString(work.resolve("qradar.token"), qradar.token());
      Path config = work.resolve("ioc-sync.json");
      Files.writeString(
          config,
          """
          {"misp": {"url": "%s", "keyFile": "misp.key", "caCertFile": "ca.pem"},
           "qradar": {"url": "%s", "tokenFile": "qradar.token", "caCertFile": "ca.pem"},
           "jobs": [{"name": "ips", "referenceSet": "MISP IPs", "elementType": "IP",
                     "types": ["ip-dst"]}]}
          """
              .formatted(misp.url(), qradar.url()));
      ProcessBuilder builder =
          new ProcessBuilder(
                  runtime.resolve("bin/java").toString(),
                  "-jar",
                  appRoot.resolve("app/ioc-sync.jar").toString(),
                  "sync",
                  "--config",
                  config.toString(),
                  "--state-dir",
                  work.resolve("state").toString(),
                  "--json")
              .redirectError(work.resolve("err.txt").toFile());
      builder
          .environment()
          .keySet()
          .removeIf(name -> name.toLowerCase(Locale.ROOT).contains("proxy"));
      Process sync = builder.start();
      String out = new String(sync.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(sync.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(sync.exitValue()).as(Files.readString(work.resolve("err.txt"))).isZero();
      assertThat(out).contains("\"status\":\"ok\"").contains("\"added\":1");
      assertThat(qradar.values("MISP IPs")).containsExactly("203.0.113.7");
    }
  }

  @Test
  void staysSmallEnoughToUpload() throws IOException {
    assertThat(Files.size(ARCHIVE)).isLessThan(MAX_ARCHIVE_BYTES);
    assertThat(Files.size(appRoot.resolve(RUNTIME_TARBALL)))
        .isLessThan(Files.size(ARCHIVE))
        .isGreaterThan(10L * 1024 * 1024);
  }

  private static String runScript(String command) throws Exception {
    assertThat(command).startsWith(APP_ROOT);
    Path script = appRoot.resolve(command.substring(APP_ROOT.length()));
    ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true);
    builder.environment().put("APP_ROOT", appRoot.toString());
    builder.environment().remove("JAVA_HOME");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("%s said:\n%s", command, out).isZero();
    return out;
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The runtime's release file, its values unquoted. */
  private static Map<String, String> release() throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(runtime.resolve("release"))) {
      properties.load(in);
    }
    Map<String, String> release = new TreeMap<>();
    properties.forEach(
        (key, value) -> release.put((String) key, ((String) value).replace("\"", "")));
    return release;
  }

  private static List<Path> elfFiles(Path home) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(home)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          if (Arrays.equals(in.readNBytes(4), new byte[] {0x7f, 'E', 'L', 'F'})) {
            files.add(file);
          }
        }
      }
    }
    return files;
  }

  private static Set<String> objdumpGlibcNeeds(Path binary) throws Exception {
    Process objdump = new ProcessBuilder("/usr/bin/objdump", "-p", binary.toString()).start();
    String out = new String(objdump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(objdump.waitFor(1, TimeUnit.MINUTES)).isTrue();
    Set<String> versions = new TreeSet<>();
    String needs = out.substring(Math.max(0, out.indexOf("Version References:")));
    Matcher matcher = Pattern.compile("\\sGLIBC_(\\d+(?:\\.\\d+)*)\\s").matcher(needs);
    while (matcher.find()) {
      versions.add(matcher.group(1));
    }
    return versions;
  }

  private static String appLog() {
    try {
      return Files.readString(appRoot.resolve("app.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The glibc symbol versions an ELF64 file needs, read from its .gnu.version_r section. */
  static final class GlibcNeeds {
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;

    private GlibcNeeds() {}

    static List<String> of(byte[] elf) {
      ByteBuffer file = ByteBuffer.wrap(elf);
      assertThat(file.getInt(0)).as("ELF magic").isEqualTo(0x7f454c46);
      assertThat(elf[4]).as("64-bit ELF class").isEqualTo((byte) 2);
      file.order(elf[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      long sectionTable = file.getLong(0x28);
      int sectionSize = Short.toUnsignedInt(file.getShort(0x3a));
      int sectionCount = Short.toUnsignedInt(file.getShort(0x3c));
      List<String> versions = new ArrayList<>();
      for (int i = 0; i < sectionCount; i++) {
        int header = Math.toIntExact(sectionTable + (long) i * sectionSize);
        if (file.getInt(header + 4) != SHT_GNU_VERNEED) {
          continue;
        }
        int need = Math.toIntExact(file.getLong(header + 0x18));
        int linked =
            Math.toIntExact(sectionTable + (long) file.getInt(header + 0x28) * sectionSize);
        int strings = Math.toIntExact(file.getLong(linked + 0x18));
        for (int n = file.getInt(header + 0x2c); n > 0; n--) {
          int aux = need + file.getInt(need + 8);
          for (int a = Short.toUnsignedInt(file.getShort(need + 2)); a > 0; a--) {
            String name = string(elf, strings + file.getInt(aux + 8));
            if (name.matches("GLIBC_\\d+(\\.\\d+)*")) {
              versions.add(name.substring("GLIBC_".length()));
            }
            aux += file.getInt(aux + 12);
          }
          need += file.getInt(need + 12);
        }
      }
      return versions;
    }

    /** Compares dotted versions number by number: "2.17" is below "2.28", "2.34" above. */
    static int compare(String version, String other) {
      int[] left = Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
      int[] right = Arrays.stream(other.split("\\.")).mapToInt(Integer::parseInt).toArray();
      return Arrays.compare(left, right);
    }

    private static String string(byte[] elf, int at) {
      int end = at;
      while (elf[end] != 0) {
        end++;
      }
      return new String(elf, at, end - at, StandardCharsets.US_ASCII);
    }
  }
}
