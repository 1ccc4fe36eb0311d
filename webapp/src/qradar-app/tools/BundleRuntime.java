import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the Java runtime the QRadar app archive carries: a jlink image of a JDK that runs on the
 * App Framework's base image (Red Hat UBI 8, glibc 2.28), packed as a tarball that
 * container/build/unpack-runtime.sh unpacks into $APP_ROOT/runtime while QRadar builds the image.
 *
 * <p>Run by the webapp's build at package time, as a single-file program with the build's Java:
 * {@code java BundleRuntime.java JDK OUTPUT MODULES}. JDK is {@code auto} (look in /usr/lib/jvm,
 * /opt/java, JAVA_HOME and the build's own Java, and take the suitable one nearest to Java 17),
 * {@code none} (carry no runtime), or a JDK's folder (refused, failing the build, when unsuitable).
 * OUTPUT receives ioc-sync-runtime.tar.gz, or loses it when there is no runtime to carry; the
 * archive then carries only the RPMs of container/rpm, as before. MODULES is jlink's
 * --add-modules list.
 *
 * <p>A JDK is suitable when its {@code release} file says Java 17 or newer for Linux x86_64 on
 * glibc, it has jlink, and no native binary of it (bin/java, lib/server/libjvm.so, lib/*.so) needs
 * a glibc symbol version above 2.28: the version needs are read from each ELF file's
 * .gnu.version_r section. Eclipse Temurin builds need 2.17; Debian's OpenJDK needs 2.34.
 */
public final class BundleRuntime {
  /** The glibc of Red Hat UBI 8, the App Framework v2 base image. */
  static final int[] MAX_GLIBC = {2, 28};

  static final String TARBALL = "ioc-sync-runtime.tar.gz";

  /** Bumped whenever the image's options change, so that an older cached image is rebuilt. */
  private static final String FORMAT = "3";

  private static final List<String> JLINK_OPTIONS =
      List.of(
          "--strip-debug",
          "--no-header-files",
          "--no-man-pages",
          // The tarball compresses the image; an uncompressed modules file starts faster.
          "--compress=zip-0");

  /** The release file's keys the runtime keeps, to say which build of which JDK it came from. */
  private static final List<String> PROVENANCE =
      List.of("IMPLEMENTOR", "IMPLEMENTOR_VERSION", "JAVA_RUNTIME_VERSION", "OS_NAME", "OS_ARCH");

  private BundleRuntime() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3) {
      fail("usage: java BundleRuntime.java auto|none|JDK_DIR OUTPUT_DIR MODULE,MODULE,...");
    }
    String setting = args[0].isBlank() ? "auto" : args[0].trim();
    Path output = Path.of(args[1]).toAbsolutePath();
    String modules = args[2].replaceAll("\\s+", "");
    Files.createDirectories(output);
    Path tarball = output.resolve(TARBALL);

    Optional<Path> jdk = choose(setting);
    if (jdk.isEmpty()) {
      Files.deleteIfExists(tarball);
      return;
    }
    String inputs = inputs(jdk.get(), modules);
    Path stamp = output.resolve("inputs.txt");
    if (Files.isRegularFile(tarball)
        && Files.isRegularFile(stamp)
        && Files.readString(stamp).equals(inputs)) {
      say("reusing the Java runtime built earlier from " + jdk.get() + " (" + tarball + ")");
      return;
    }
    Files.deleteIfExists(stamp);
    Files.deleteIfExists(tarball);
    Path image = output.resolve("image");
    deleteTree(image);

    List<String> jlink = new ArrayList<>();
    jlink.add(jdk.get().resolve("bin/jlink").toString());
    jlink.addAll(List.of("--add-modules", modules));
    jlink.addAll(JLINK_OPTIONS);
    releaseInfo(jdk.get()).ifPresent(info -> jlink.addAll(List.of("--release-info", info)));
    jlink.addAll(List.of("--output", image.toString()));
    Optional<String> jlinkFailure = attempt(jlink, "jlink");
    if (jlinkFailure.isPresent()) {
      if (!setting.equals("auto")) {
        fail(jlinkFailure.get());
      }
      // A JDK found by looking around must not break the build: carry RPMs only, as without one.
      say("WARNING: the QRadar app archive carries no Java runtime: " + jlinkFailure.get());
      return;
    }
    Optional<String> tooNew = glibcAbove(image);
    if (tooNew.isPresent()) {
      fail("the runtime jlink made from " + jdk.get() + " " + tooNew.get());
    }
    run(List.of(image.resolve("bin/java").toString(), "-version"), "the new runtime's java");
    run(
        List.of(
            "tar",
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "--mtime=@0",
            "-czf",
            tarball.toString(),
            "-C",
            image.toString(),
            "."),
        "tar");
    Files.writeString(stamp, inputs);
    say(
        "bundled a Java "
            + release(jdk.get()).getOrDefault("JAVA_VERSION", "?")
            + " runtime from "
            + jdk.get()
            + ": "
            + Files.size(tarball) / (1024 * 1024)
            + " MB packed ("
            + tarball
            + ")");
  }

  private static Optional<Path> choose(String setting) throws IOException {
    if (setting.equals("none")) {
      say("carrying no Java runtime (-Dqradar.jdk=none): the archive needs RPMs in container/rpm");
      return Optional.empty();
    }
    if (!setting.equals("auto")) {
      Path jdk = Path.of(setting).toAbsolutePath();
      Optional<String> unsuitable = unsuitable(jdk);
      if (unsuitable.isPresent()) {
        fail(
            "-Dqradar.jdk="
                + setting
                + " cannot be bundled: it "
                + unsuitable.get()
                + ". Name a JDK built for glibc 2.28 or older (Eclipse Temurin 17 or newer), or"
                + " -Dqradar.jdk=auto to look for one, or -Dqradar.jdk=none to carry RPMs only.");
      }
      return Optional.of(jdk.toRealPath());
    }
    Map<Path, String> refused = new LinkedHashMap<>();
    List<Path> suitable = new ArrayList<>();
    for (Path candidate : candidates()) {
      Optional<String> unsuitable = unsuitable(candidate);
      if (unsuitable.isPresent()) {
        refused.put(candidate, unsuitable.get());
      } else {
        suitable.add(candidate);
      }
    }
    // Java 17 first, as the app is built for it; then the newest update of a release.
    Optional<Path> best =
        suitable.stream()
            .min(
                Comparator.comparingInt((Path jdk) -> feature(jdk))
                    .thenComparing(BundleRuntime::version, Comparator.reverseOrder()));
    if (best.isEmpty()) {
      StringBuilder message =
          new StringBuilder(
              "WARNING: no JDK found that runs on QRadar's base image (glibc 2.28), so the QRadar"
                  + " app archive carries no Java runtime: QRadar will only install it with the"
                  + " RPMs of java-17-openjdk-headless in container/rpm (-Dqradar.rpms=DIR), or"
                  + " name a JDK with -Dqradar.jdk=DIR (Eclipse Temurin 17 or newer, see"
                  + " docs/qradar-app.md).");
      refused.forEach(
          (jdk, reason) -> message.append("\n  ").append(jdk).append(": ").append(reason));
      say(message.toString());
    }
    return best;
  }

  private static Set<Path> candidates() throws IOException {
    Set<Path> candidates = new LinkedHashSet<>();
    for (String parent : List.of("/usr/lib/jvm", "/opt/java")) {
      Path folder = Path.of(parent);
      if (Files.isDirectory(folder)) {
        try (Stream<Path> children = Files.list(folder)) {
          children.sorted().forEach(child -> addCandidate(candidates, child));
        }
      }
    }
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      addCandidate(candidates, Path.of(javaHome));
    }
    addCandidate(candidates, Path.of(System.getProperty("java.home")));
    return candidates;
  }

  private static void addCandidate(Set<Path> candidates, Path folder) {
    if (Files.isRegularFile(folder.resolve("release"))) {
      try {
        candidates.add(folder.toRealPath());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Why the JDK cannot make the runtime, or empty when it can. */
  static Optional<String> unsuitable(Path jdk) throws IOException {
    if (!Files.isRegularFile(jdk.resolve("release"))) {
      return Optional.of("is not a JDK: it has no release file");
    }
    Map<String, String> release = release(jdk);
    String implementor = release.getOrDefault("IMPLEMENTOR", "an unnamed implementor");
    if (feature(jdk) < 17) {
      return Optional.of("is Java " + release.get("JAVA_VERSION") + ", older than 17");
    }
    if (!release.getOrDefault("OS_NAME", "").equals("Linux")
        || !List.of("x86_64", "amd64").contains(release.getOrDefault("OS_ARCH", ""))) {
      return Optional.of(
          "is built for "
              + release.get("OS_NAME")
              + " "
              + release.get("OS_ARCH")
              + ", not Linux x86_64");
    }
    if (!release.getOrDefault("LIBC", "gnu").equals("gnu")) {
      return Optional.of("is built for the C library " + release.get("LIBC") + ", not glibc");
    }
    if (!Files.isRegularFile(jdk.resolve("bin/java"))
        || !Files.isRegularFile(jdk.resolve("lib/server/libjvm.so"))) {
      return Optional.of("has no bin/java or no lib/server/libjvm.so");
    }
    if (!Files.isExecutable(jdk.resolve("bin/jlink"))) {
      return Optional.of("has no bin/jlink (a JRE, not a JDK)");
    }
    // From Java 24 on, jlink can link from the JDK's own run-time image; before, it needs jmods.
    if (feature(jdk) < 24 && !Files.isDirectory(jdk.resolve("jmods"))) {
      return Optional.of("has no jmods folder, which jlink needs before Java 24");
    }
    Optional<String> tooNew = glibcAbove(jdk);
    return tooNew.map(reason -> "is " + implementor + "'s build, which " + reason);
  }

  /** bin/java, lib/server/libjvm.so and the other shared libraries and programs under lib/. */
  private static List<Path> nativeFiles(Path home) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(home.resolve("bin/java"));
    try (Stream<Path> walk = Files.walk(home.resolve("lib"))) {
      walk.filter(Files::isRegularFile)
          .filter(file -> !Files.isSymbolicLink(file))
          .filter(BundleRuntime::isElf)
          .sorted()
          .forEach(files::add);
    }
    return files;
  }

  /** Which native file of a Java home needs a glibc above {@link #MAX_GLIBC}, or empty. */
  private static Optional<String> glibcAbove(Path home) throws IOException {
    for (Path file : nativeFiles(home)) {
      for (String version : GlibcNeeds.of(Files.readAllBytes(file))) {
        if (GlibcNeeds.compare(version, MAX_GLIBC) > 0) {
          return Optional.of(
              "needs GLIBC_"
                  + version
                  + " ("
                  + home.relativize(file)
                  + "), newer than the 2."
                  + MAX_GLIBC[1]
                  + " of QRadar's base image");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isElf(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 0x7f
          && magic[1] == 'E'
          && magic[2] == 'L'
          && magic[3] == 'F';
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, String> release(Path jdk) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(jdk.resolve("release"))) {
      properties.load(in);
    }
    Map<String, String> release = new LinkedHashMap<>();
    properties.forEach(
        (key, value) -> release.put((String) key, ((String) value).replaceAll("^\"|\"$", "")));
    return release;
  }

  /** Where the runtime comes from, copied from the JDK's release file into the runtime's. */
  private static Optional<String> releaseInfo(Path jdk) throws IOException {
    Map<String, String> release = release(jdk);
    List<String> pairs = new ArrayList<>();
    for (String key : PROVENANCE) {
      String value = release.get(key);
      if (value != null && !value.isBlank() && !value.matches(".*[:\"].*")) {
        pairs.add(key + "=\"" + value + "\"");
      }
    }
    return pairs.isEmpty() ? Optional.empty() : Optional.of("add:" + String.join(":", pairs));
  }

  private static int feature(Path jdk) {
    String version = version(jdk);
    String first = version.startsWith("1.") ? version.substring(2) : version;
    try {
      return Integer.parseInt(first.split("[.+\\-_]")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String version(Path jdk) {
    try {
      return release(jdk).getOrDefault("JAVA_VERSION", "0");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String inputs(Path jdk, String modules) throws IOException {
    return String.join(
        "\n",
        "format=" + FORMAT,
        "jdk=" + jdk,
        "version=" + release(jdk).getOrDefault("JAVA_RUNTIME_VERSION", version(jdk)),
        "modules=" + modules,
        "options=" + String.join(" ", JLINK_OPTIONS),
        "");
  }

  private static void run(List<String> command, String what)
      throws IOException, InterruptedException {
    attempt(command, what).ifPresent(BundleRuntime::fail);
  }

  /** Runs the command, and says how it failed, or empty when it succeeded. */
  private static Optional<String> attempt(List<String> command, String what)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      return Optional.of(
          what
              + " failed: "
              + String.join(" ", command)
              + "\n"
              + new String(out, StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void say(String message) {
    System.out.println("[qradar-app runtime] " + message);
  }

  private static void fail(String message) {
    System.err.println("[qradar-app runtime] " + message);
    System.exit(1);
  }

  /** The glibc symbol versions an ELF64 file needs, from its .gnu.version_r section. */
  static final class GlibcNeeds {
    private static final int SHT_GNU_VERNEED = 0x6ffffffe;

    private GlibcNeeds() {}

    static List<String> of(byte[] elf) {
      ByteBuffer file = ByteBuffer.wrap(elf);
      if (elf.length < 64 || file.getInt(0) != 0x7f454c46 || elf[4] != 2) {
        throw new IllegalArgumentException("not a 64-bit ELF file");
      }
      file.order(elf[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      long sectionTable = file.getLong(0x28);
      int sectionSize = Short.toUnsignedInt(file.getShort(0x3a));
      int sections = Short.toUnsignedInt(file.getShort(0x3c));
      List<String> versions = new ArrayList<>();
      for (int i = 0; i < sections; i++) {
        int header = Math.toIntExact(sectionTable + (long) i * sectionSize);
        if (file.getInt(header + 4) != SHT_GNU_VERNEED) {
          continue;
        }
        int at = Math.toIntExact(file.getLong(header + 0x18));
        int link = file.getInt(header + 0x28);
        int linked = Math.toIntExact(sectionTable + (long) link * sectionSize);
        int strings = Math.toIntExact(file.getLong(linked + 0x18));
        int entries = file.getInt(header + 0x2c);
        for (int n = 0; n < entries; n++) {
          int auxCount = Short.toUnsignedInt(file.getShort(at + 2));
          int aux = at + file.getInt(at + 8);
          for (int a = 0; a < auxCount; a++) {
            String name = string(elf, strings + file.getInt(aux + 8));
            if (name.matches("GLIBC_\\d+(\\.\\d+)*")) {
              versions.add(name.substring("GLIBC_".length()));
            }
            aux += file.getInt(aux + 12);
          }
          at += file.getInt(at + 12);
        }
      }
      return versions;
    }

    /** Compares a version such as "2.34" with {major, minor}. */
    static int compare(String version, int[] limit) {
      String[] parts = version.split("\\.");
      for (int i = 0; i < limit.length; i++) {
        int part = i < parts.length ? Integer.parseInt(parts[i]) : 0;
        if (part != limit[i]) {
          return Integer.compare(part, limit[i]);
        }
      }
      return parts.length > limit.length ? 1 : 0;
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
