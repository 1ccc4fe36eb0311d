package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the build's runtime bundler, src/qradar-app/tools/BundleRuntime.java, on JDKs it must
 * refuse: each refusal fails the build with the reason and the way out, and a build told to carry
 * no runtime drops the one an earlier build left.
 */
class BundleRuntimeIT {
  private static final Path TOOL = Path.of("src", "qradar-app", "tools", "BundleRuntime.java");
  private static final String LINUX = "OS_NAME=\"Linux\"\nOS_ARCH=\"x86_64\"\n";

  @TempDir Path folder;

  @Test
  void refusesAFolderThatIsNotAJdk() throws Exception {
    Result result = bundle(folder.resolve("nothing-here").toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("has no release file").contains("-Dqradar.jdk=none");
  }

  @Test
  void refusesAJdkOlderThanSeventeen() throws Exception {
    Path jdk = fakeJdk("JAVA_VERSION=\"11.0.25\"\n" + LINUX, true);

    Result result = bundle(jdk.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("is Java 11.0.25, older than 17");
  }

  @Test
  void refusesAJdkBuiltForMusl() throws Exception {
    Path jdk = fakeJdk("JAVA_VERSION=\"21.0.5\"\n" + LINUX + "LIBC=\"musl\"\n", true);

    Result result = bundle(jdk.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("is built for the C library musl, not glibc");
  }

  @Test
  void refusesAJreWithoutJlink() throws Exception {
    Path jdk = fakeJdk("JAVA_VERSION=\"17.0.13\"\n" + LINUX + "LIBC=\"gnu\"\n", false);

    Result result = bundle(jdk.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("has no bin/jlink");
  }

  @Test
  void refusesAJdkSeventeenWithoutJmods() throws Exception {
    Path jdk = fakeJdk("JAVA_VERSION=\"17.0.13\"\n" + LINUX + "LIBC=\"gnu\"\n", true);

    Result result = bundle(jdk.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("has no jmods folder, which jlink needs before Java 24");
  }

  @Test
  void refusesAJdkWithoutItsVirtualMachine() throws Exception {
    Path jdk = fakeJdk("JAVA_VERSION=\"21.0.5\"\n" + LINUX, true);
    Files.delete(jdk.resolve("lib/server/libjvm.so"));

    Result result = bundle(jdk.toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out()).contains("has no bin/java or no lib/server/libjvm.so");
  }

  @Test
  void refusesAJdkBuiltForANewerGlibcThanTheBaseImages() throws Exception {
    Optional<Path> tooNew = jdkNeedingNewerGlibc();
    assumeTrue(
        tooNew.isPresent(),
        "Skipping: no JDK on this machine needs a glibc above 2.28 (Debian's OpenJDK does)");

    Result result = bundle(tooNew.get().toString());

    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.out())
        .containsPattern("needs GLIBC_2\\.(29|[3-9]\\d)")
        .contains("newer than the 2.28 of QRadar's base image")
        .contains("Eclipse Temurin 17 or newer");
    assertThat(folder.resolve("out/ioc-sync-runtime.tar.gz")).doesNotExist();
  }

  @Test
  void dropsAnEarlierRuntimeWhenToldToCarryNone() throws Exception {
    Path earlier =
        Files.createDirectories(folder.resolve("out")).resolve("ioc-sync-runtime.tar.gz");
    Files.write(earlier, new byte[] {1, 2, 3});

    Result result = bundle("none");

    assertThat(result.exit()).as(result.out()).isZero();
    assertThat(result.out()).contains("carrying no Java runtime");
    assertThat(earlier).doesNotExist();
  }

  private Path fakeJdk(String release, boolean withJlink) throws IOException {
    Path jdk = Files.createDirectories(folder.resolve("jdk"));
    Files.writeString(jdk.resolve("release"), release);
    Files.writeString(Files.createDirectories(jdk.resolve("bin")).resolve("java"), "");
    Files.writeString(Files.createDirectories(jdk.resolve("lib/server")).resolve("libjvm.so"), "");
    if (withJlink) {
      Path jlink = Files.createDirectories(jdk.resolve("bin")).resolve("jlink");
      Files.writeString(jlink, "#!/bin/sh\nexit 1\n");
      assertThat(jlink.toFile().setExecutable(true)).isTrue();
    }
    return jdk;
  }

  /** A JDK of this machine whose libjvm.so needs a glibc above 2.28, if there is one. */
  private static Optional<Path> jdkNeedingNewerGlibc() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> children = Files.list(jvms)) {
      for (Path jdk : children.sorted().toList()) {
        Path libjvm = jdk.resolve("lib/server/libjvm.so");
        if (Files.isRegularFile(libjvm)
            && Files.isExecutable(jdk.resolve("bin/jlink"))
            && QradarAppRuntimeIT.GlibcNeeds.of(Files.readAllBytes(libjvm)).stream()
                .anyMatch(version -> QradarAppRuntimeIT.GlibcNeeds.compare(version, "2.28") > 0)) {
          return Optional.of(jdk);
        }
      }
    }
    return Optional.empty();
  }

  private Result bundle(String jdk) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                TOOL.toString(),
                jdk,
                folder.resolve("out").toString(),
                "java.base")
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), out);
  }

  private record Result(int exit, String out) {}
}
