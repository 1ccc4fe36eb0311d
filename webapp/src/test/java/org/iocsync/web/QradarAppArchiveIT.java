package org.iocsync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the QRadar app archive {@code mvn package} builds against what the App Framework
 * documents: the manifest's fields, their types and required ones, the container folder's scripts,
 * and memory enough for the JVM the start script runs.
 */
class QradarAppArchiveIT {
  private static final Path ARCHIVE = Path.of("target", "ioc-sync-qradar-app.zip");
  private static final String APP_ROOT = "/opt/app-root/";

  /** The manifest fields of the App Framework's reference, and the JSON type each must have. */
  private static final Map<String, Class<?>> DOCUMENTED_FIELDS = documentedFields();

  private static final Set<String> REQUIRED = Set.of("name", "description", "version", "uuid");

  /** What the JVM needs beyond its bounded pools: thread stacks, GC, JIT, native libraries. */
  private static final long JVM_OVERHEAD_MB = 128;

  private static Map<String, byte[]> entries;
  private static Map<String, Integer> modes;
  private static Map<String, Object> manifest;

  @BeforeAll
  static void readArchive() throws IOException {
    entries = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(ARCHIVE.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        if (!entry.isDirectory()) {
          try (InputStream in = zip.getInputStream(entry)) {
            entries.put(entry.getName(), in.readAllBytes());
          }
        }
      }
    }
    modes = unixModes(Files.readAllBytes(ARCHIVE));
    JsonAdapter<Map<String, Object>> adapter =
        new Moshi.Builder()
            .build()
            .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));
    manifest = adapter.failOnUnknown().fromJson(text("manifest.json"));
  }

  @Test
  void holdsTheManifestAtItsRootAndTheJarUnderApp() {
    assertThat(entries).containsKeys("manifest.json", "app/ioc-sync.jar");
    assertThat(entries.keySet())
        .allSatisfy(name -> assertThat(name).matches("manifest\\.json|app/.+|container/.+"));
  }

  @Test
  void usesOnlyDocumentedManifestFieldsWithTheirTypes() {
    assertThat(DOCUMENTED_FIELDS).containsKeys(manifest.keySet().toArray(String[]::new));
    manifest.forEach(
        (field, value) -> assertThat(value).as(field).isInstanceOf(DOCUMENTED_FIELDS.get(field)));
    for (String field : REQUIRED) {
      assertThat((String) manifest.get(field)).as(field).isNotBlank();
    }
  }

  @Test
  void namesARandomRfc4122UuidAndTheJarsVersion() throws IOException {
    String uuid = (String) manifest.get("uuid");

    assertThat(uuid).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(UUID.fromString(uuid).variant()).isEqualTo(2);
    assertThat(UUID.fromString(uuid).version()).isEqualTo(4);
    assertThat((String) manifest.get("version"))
        .matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?")
        .isEqualTo(jarVersion());
  }

  @Test
  void opensAnIocSyncTabForAdministrators() {
    assertThat(list("areas")).hasSize(1);
    Map<?, ?> area = (Map<?, ?>) list("areas").get(0);

    assertThat(area.get("text")).isEqualTo("IOC Sync");
    assertThat(area.get("id")).asString().matches("[A-Za-z][A-Za-z0-9_]*");
    assertThat(area.get("url")).isEqualTo("index");
    assertThat(area.get("description")).isInstanceOf(String.class);
    assertThat(area.get("required_capabilities")).isEqualTo(List.of("ADMIN"));
  }

  @Test
  void asksForAnAuthorizedServiceTokenByClientCredentials() {
    Map<?, ?> authentication = (Map<?, ?>) manifest.get("authentication");
    Map<?, ?> oauth2 = (Map<?, ?>) authentication.get("oauth2");

    assertThat(authentication.keySet()).isEqualTo(Set.of("oauth2"));
    assertThat(oauth2.get("authorisation_flow")).isEqualTo("CLIENT_CREDENTIALS");
    assertThat((List<?>) oauth2.get("requested_capabilities"))
        .isNotEmpty()
        .allSatisfy(capability -> assertThat(capability).asString().isNotBlank());
  }

  @Test
  void runsItsOwnServerAndItsOwnCsrfCheckForItsPlainForms() {
    assertThat(manifest.get("load_flask")).isEqualTo(false);
    assertThat(manifest.get("use_qradar_csrf")).isEqualTo(false);
  }

  @Test
  void asksForMoreMemoryThanTheJvmMayTake() {
    String script = text("container/service/start-ioc-sync.sh");
    long heap = megabytes(script, "-Xmx");
    long metaspace = megabytes(script, "-XX:MaxMetaspaceSize=");
    long codeCache = megabytes(script, "-XX:ReservedCodeCacheSize=");
    long direct = megabytes(script, "-XX:MaxDirectMemorySize=");

    Map<?, ?> resources = (Map<?, ?>) manifest.get("resources");
    double memory = (Double) resources.get("memory");

    assertThat(resources.keySet()).isEqualTo(Set.of("memory"));
    assertThat(memory).isEqualTo(Math.rint(memory));
    assertThat(memory).isGreaterThan(heap + metaspace + codeCache + direct + JVM_OVERHEAD_MB);
  }

  @Test
  void startsTheJarUnderSupervisordWithExecutableScripts() {
    String program = text("container/conf/supervisord.d/ioc-sync.conf");
    Matcher command = Pattern.compile("(?m)^command=(\\S+)").matcher(program);

    assertThat(program).contains("[program:ioc-sync]").contains("autorestart=true");
    assertThat(command.find()).isTrue();
    assertExecutableScript(command.group(1));
    assertThat(text("container/service/start-ioc-sync.sh"))
        .contains("-jar \"${app_root}/app/ioc-sync.jar\" serve");
  }

  @Test
  void listsOnlyScriptsItCarriesInEachOrderingFile() {
    for (String ordering : List.of("container/build/ordering.txt", "container/run/ordering.txt")) {
      List<String> lines = text(ordering).lines().toList();

      assertThat(text(ordering)).doesNotContain("\r").endsWith("\n");
      assertThat(lines).isNotEmpty();
      lines.forEach(QradarAppArchiveIT::assertExecutableScript);
    }
  }

  @Test
  void carriesNothingButRpmsInTheRpmFolder() {
    assertThat(entries.keySet())
        .filteredOn(name -> name.startsWith("container/rpm/"))
        .allSatisfy(name -> assertThat(name).endsWith(".rpm"));
  }

  private static void assertExecutableScript(String command) {
    assertThat(command).startsWith(APP_ROOT);
    String entry = command.substring(APP_ROOT.length());
    assertThat(entries).as(command).containsKey(entry);
    assertThat(modes.get(entry) & 0111).as(entry + " is executable").isEqualTo(0111);
    assertThat(text(entry)).startsWith("#!/bin/bash\n").doesNotContain("\r");
  }

  private static long megabytes(String script, String option) {
    Matcher matcher = Pattern.compile(Pattern.quote(option) + "(\\d+)m\\b").matcher(script);
    assertThat(matcher.find()).as(option + " in the start script").isTrue();
    return Long.parseLong(matcher.group(1));
  }

  private static List<?> list(String field) {
    return (List<?>) manifest.get(field);
  }

  private static String text(String entry) {
    assertThat(entries).containsKey(entry);
    return new String(entries.get(entry), StandardCharsets.UTF_8);
  }

  private static String jarVersion() throws IOException {
    try (JarInputStream jar =
        new JarInputStream(new java.io.ByteArrayInputStream(entries.get("app/ioc-sync.jar")))) {
      return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
  }

  private static Map<String, Class<?>> documentedFields() {
    Map<String, Class<?>> fields = new LinkedHashMap<>();
    for (String text : List.of("name", "description", "version", "uuid", "image")) {
      fields.put(text, String.class);
    }
    for (String flag :
        List.of(
            "load_flask",
            "add_app_capability",
            "multitenancy_safe",
            "single_instance_only",
            "use_qradar_csrf")) {
      fields.put(flag, Boolean.class);
    }
    for (String array :
        List.of(
            "areas",
            "rest_methods",
            "dashboard_items",
            "configuration_pages",
            "gui_actions",
            "page_scripts",
            "metadata_providers",
            "resource_bundles",
            "fragments",
            "custom_columns",
            "environment_variables",
            "services")) {
      fields.put(array, List.class);
    }
    fields.put("authentication", Map.class);
    fields.put("resources", Map.class);
    return fields;
  }

  /**
   * The Unix permissions of each entry, from the high half of the external attributes in the
   * archive's central directory (java.util.zip does not expose them).
   */
  static Map<String, Integer> unixModes(byte[] archive) {
    ByteBuffer zip = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
    int end = archive.length - 22;
    while (zip.getInt(end) != 0x06054b50) {
      end--;
    }
    int count = Short.toUnsignedInt(zip.getShort(end + 10));
    int at = zip.getInt(end + 16);
    Map<String, Integer> modes = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      assertThat(zip.getInt(at)).isEqualTo(0x02014b50);
      int nameLength = Short.toUnsignedInt(zip.getShort(at + 28));
      int extraLength = Short.toUnsignedInt(zip.getShort(at + 30));
      int commentLength = Short.toUnsignedInt(zip.getShort(at + 32));
      int external = zip.getInt(at + 38);
      String name = new String(archive, at + 46, nameLength, StandardCharsets.UTF_8);
      modes.put(name, (external >>> 16) & 07777);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return modes;
  }
}
