package org.iocsync.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobSpec;
import org.iocsync.core.JobValidator;
import org.iocsync.web.StrictJsonReader.Field;
import org.iocsync.web.StrictJsonReader.Kind;
import org.iocsync.web.StrictJsonReader.MalformedJsonException;
import org.iocsync.web.StrictJsonReader.Values;
import org.jspecify.annotations.Nullable;

/**
 * Reads the JSON configuration file. Every field is checked and every problem named with its JSON
 * path in one pass. File names in it are relative to the file's folder. Secrets are read from the
 * files it names, or else from the {@code MISP_KEY} and {@code QRADAR_TOKEN} environment variables.
 */
final class ConfigParser {
  /** Bounds what is read: a real configuration is a few kilobytes. */
  static final long MAX_FILE_BYTES = 4 * 1024 * 1024;

  private static final String SECRET_IN_FILE =
      "is not accepted: secrets never go into the configuration file; put the %s in a file named"
          + " by %s, or in the %s environment variable";

  private static final Map<String, Field> MISP_SCHEMA =
      Map.of(
          "url", new Field(Kind.STRING, false),
          "keyFile", new Field(Kind.STRING, true),
          "caCertFile", new Field(Kind.STRING, true),
          "verifyTls", new Field(Kind.BOOLEAN, false));

  private static final Map<String, Field> QRADAR_SCHEMA =
      Map.of(
          "url", new Field(Kind.STRING, false),
          "tokenFile", new Field(Kind.STRING, true),
          "apiVersion", new Field(Kind.STRING, true),
          "caCertFile", new Field(Kind.STRING, true),
          "verifyTls", new Field(Kind.BOOLEAN, false));

  private static final Map<String, Field> STORE_SCHEMA =
      Map.of(
          "url", new Field(Kind.STRING, false),
          "user", new Field(Kind.STRING, true),
          "passwordFile", new Field(Kind.STRING, true),
          "keyFile", new Field(Kind.STRING, true),
          "instance", new Field(Kind.STRING, true));

  private static final Map<String, String> STORE_HINTS =
      Map.of(
          "password",
          "is not accepted: the database password never goes into the configuration file; put it"
              + " in a file named by passwordFile",
          "key",
          "is not accepted: the secret key never goes into the configuration file; put it in a"
              + " file named by keyFile, or as Base64 text in the "
              + StoreSettings.KEY_VARIABLE
              + " environment variable");

  private static final Map<String, String> MISP_HINTS =
      secretHints("MISP key", "keyFile", "MISP_KEY", "key", "apiKey", "authkey", "authKey");

  private static final Map<String, String> QRADAR_HINTS =
      secretHints("QRadar token", "tokenFile", "QRADAR_TOKEN", "token", "secToken", "sec");

  private final Map<String, String> env;

  ConfigParser(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * Reads and checks a configuration file.
   *
   * @throws ConfigException naming every bad field
   */
  SyncConfig parse(Path file) throws ConfigException {
    String json = readFile(file);
    Path folder = file.toAbsolutePath().getParent();
    StrictJsonReader reader = new StrictJsonReader(json);
    List<JobSpec> jobs = new ArrayList<>();
    @Nullable Server misp = null;
    @Nullable Server qradar = null;
    @Nullable StoreSettings store = null;
    try {
      if (reader.beginObject("an object with misp, qradar and jobs")) {
        boolean sawJobs = false;
        boolean sawMisp = false;
        boolean sawQradar = false;
        while (reader.hasNext()) {
          String name = reader.nextName();
          switch (name) {
            case "misp" -> {
              sawMisp = true;
              misp = server(reader, folder, false);
            }
            case "qradar" -> {
              sawQradar = true;
              qradar = server(reader, folder, true);
            }
            case "jobs" -> {
              sawJobs = true;
              jobs(reader, jobs);
            }
            case "store" -> store = store(reader, folder);
            default -> {
              reader.error(reader.path(), "is not a known field: use misp, qradar, jobs and store");
              reader.skipValue();
            }
          }
        }
        reader.endObject();
        if (!sawMisp) {
          reader.error("$.misp", "is missing: say how to reach MISP (url, keyFile)");
        }
        if (!sawQradar) {
          reader.error("$.qradar", "is missing: say how to reach QRadar (url, tokenFile)");
        }
        if (!sawJobs) {
          reader.error("$.jobs", "is missing: list the jobs to run");
        }
      }
      reader.expectEnd();
    } catch (MalformedJsonException e) {
      throw new ConfigException(file.toString(), List.of(new ConfigError("$", e.getMessage())));
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(), List.of(new ConfigError("$", StrictJsonReader.readFailure(e))));
    }

    if (!reader.errors().isEmpty() || misp == null || qradar == null) {
      throw new ConfigException(file.toString(), reader.errors());
    }
    return new SyncConfig(
        misp.settings(), misp.secret(), qradar.settings(), qradar.secret(), jobs, store);
  }

  private @Nullable StoreSettings store(StrictJsonReader reader, Path folder)
      throws IOException, MalformedJsonException {
    Values values =
        reader.readObject(
            "an object with url, user, passwordFile, keyFile and instance",
            STORE_SCHEMA,
            STORE_HINTS);
    if (!values.valid()) {
      return null;
    }
    int before = reader.errors().size();

    String url = values.string("url");
    if (url == null) {
      if (!values.broken("url")) {
        reader.error(
            values.path("url"),
            "is missing: give the database, such as jdbc:postgresql://db.example.org:5432/iocsync");
      }
    } else {
      StoreSettings.urlProblem(url.trim()).ifPresent(p -> reader.error(values.path("url"), p));
    }
    String user = values.string("user");
    if (user != null && user.isBlank()) {
      reader.error(values.path("user"), "is empty: name the database user, or drop user");
    }
    Path passwordFile = existingFile(reader, values, folder, "passwordFile", "the password");
    Path keyFile = existingFile(reader, values, folder, "keyFile", "the secret key");
    Secret keyText = null;
    if (values.string("keyFile") == null && !values.broken("keyFile")) {
      keyText = StoreSettings.keyFromEnvironment(env);
      if (keyText == null) {
        reader.error(
            values.path("keyFile"),
            "names no file and "
                + StoreSettings.KEY_VARIABLE
                + " is not set: give every instance the same secret key, in a file named by"
                + " keyFile (head -c 32 /dev/urandom > secret.key), or as Base64 text in the "
                + StoreSettings.KEY_VARIABLE
                + " environment variable");
      }
    }
    String instance = values.string("instance");
    if (instance != null && (instance.isBlank() || instance.length() > 200)) {
      reader.error(
          values.path("instance"),
          "must be 1 to 200 characters, not blank: name this instance, or drop instance");
    }

    if (reader.errors().size() != before || url == null || (keyFile == null && keyText == null)) {
      return null;
    }
    return new StoreSettings(
        url.trim(),
        user == null ? null : user.trim(),
        passwordFile,
        keyFile,
        keyText,
        instance != null ? instance.trim() : instanceFromEnvironment());
  }

  private @Nullable String instanceFromEnvironment() {
    String name = env.get(StoreSettings.INSTANCE_VARIABLE);
    return name == null || name.isBlank() ? null : name.trim();
  }

  /** The file a field names, resolved against the configuration's folder, checked to exist. */
  private static @Nullable Path existingFile(
      StrictJsonReader reader, Values values, Path folder, String field, String what) {
    String name = values.string(field);
    if (name == null) {
      return null;
    }
    String path = values.path(field);
    if (name.isBlank()) {
      reader.error(path, "is empty: name the file that holds " + what);
      return null;
    }
    Path file = folder.resolve(name);
    if (!Files.isRegularFile(file)) {
      reader.error(path, "names " + file + ", which does not exist or is not a file");
      return null;
    }
    if (!Files.isReadable(file)) {
      reader.error(path, "names " + file + ", which cannot be read");
      return null;
    }
    return file;
  }

  private record Server(ConnectionSettings settings, Secret secret) {}

  private @Nullable Server server(StrictJsonReader reader, Path folder, boolean isQradar)
      throws IOException, MalformedJsonException {
    Values values =
        reader.readObject(
            isQradar
                ? "an object with url, tokenFile, apiVersion, caCertFile and verifyTls"
                : "an object with url, keyFile, caCertFile and verifyTls",
            isQradar ? QRADAR_SCHEMA : MISP_SCHEMA,
            isQradar ? QRADAR_HINTS : MISP_HINTS);
    if (!values.valid()) {
      return null;
    }
    int before = reader.errors().size();

    String url = url(reader, values);
    boolean verifyTls = values.bool("verifyTls", true);
    String caPem = caCertificate(reader, values, folder, verifyTls);
    String apiVersion = isQradar ? apiVersion(reader, values) : null;
    Secret secret =
        isQradar
            ? secret(reader, values, folder, "tokenFile", "QRADAR_TOKEN", "QRadar token")
            : secret(reader, values, folder, "keyFile", "MISP_KEY", "MISP key");

    if (reader.errors().size() != before || url == null || secret == null) {
      return null;
    }
    return new Server(new ConnectionSettings(url, apiVersion, verifyTls, caPem), secret);
  }

  private void jobs(StrictJsonReader reader, List<JobSpec> jobs)
      throws IOException, MalformedJsonException {
    if (!reader.beginArray("a list of jobs")) {
      return;
    }
    JobReader jobReader = new JobReader(JobValidator.withBuiltInTypes());
    Map<String, String> pathsByName = new HashMap<>();
    while (reader.hasNext()) {
      String path = reader.path();
      Optional<JobSpec> job = jobReader.read(reader);
      if (job.isEmpty()) {
        continue;
      }
      String name = job.get().name();
      String earlier = pathsByName.putIfAbsent(name.toLowerCase(Locale.ROOT), path);
      if (earlier != null) {
        reader.error(
            path + ".name",
            JobReader.quote(name) + " is the name of " + earlier + " too: job names must differ");
      } else {
        jobs.add(job.get());
      }
    }
    reader.endArray();
  }

  /** Checks a server's URL; one without a scheme means {@code https://}. */
  static @Nullable String url(StrictJsonReader reader, Values values) {
    String path = values.path("url");
    String text = values.string("url");
    if (text == null) {
      if (!values.broken("url")) {
        reader.error(
            path, "is missing: give the server's address, such as https://misp.example.org");
      }
      return null;
    }
    Optional<String> problem = urlProblem(text.trim());
    if (problem.isPresent()) {
      reader.error(path, problem.get());
      return null;
    }
    return normaliseUrl(text.trim());
  }

  /** Why a URL cannot be a server's address, or empty when it can. */
  static Optional<String> urlProblem(String text) {
    if (text.isEmpty()) {
      return Optional.of("is empty: give the server's address, such as https://misp.example.org");
    }
    URI uri;
    try {
      uri = new URI(normaliseUrl(text));
    } catch (URISyntaxException e) {
      return Optional.of(JobReader.quote(text) + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return Optional.of(JobReader.quote(text) + " is not an http or https URL: use https://");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of(
          "contains a user name or password: remove it; the key or token goes in its own file");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return Optional.of(JobReader.quote(text) + " has no host name: use https://host[:port]");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return Optional.of(JobReader.quote(text) + " has a query or fragment: remove it");
    }
    return Optional.empty();
  }

  static String normaliseUrl(String text) {
    String url = text.contains("://") ? text : "https://" + text;
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  private static @Nullable String apiVersion(StrictJsonReader reader, Values values) {
    String version = values.string("apiVersion");
    if (version != null && !version.matches("\\d{1,3}\\.\\d{1,2}")) {
      reader.error(
          values.path("apiVersion"),
          JobReader.quote(version)
              + " is not a QRadar API version: use one such as \"16.0\", or null to choose from"
              + " what the server offers");
      return null;
    }
    return version;
  }

  private static @Nullable String caCertificate(
      StrictJsonReader reader, Values values, Path folder, boolean verifyTls) {
    String name = values.string("caCertFile");
    if (name == null) {
      return null;
    }
    String path = values.path("caCertFile");
    if (!verifyTls) {
      reader.error(
          path,
          "is set while verifyTls is false: trust the CA with verifyTls true, or drop caCertFile");
      return null;
    }
    Optional<String> pem = readNamedFile(reader, path, folder, name, "the CA certificate");
    if (pem.isPresent() && !pem.get().contains("-----BEGIN CERTIFICATE-----")) {
      reader.error(
          path,
          "names " + folder.resolve(name) + ", which holds no PEM certificate (BEGIN CERTIFICATE)");
      return null;
    }
    return pem.orElse(null);
  }

  private @Nullable Secret secret(
      StrictJsonReader reader,
      Values values,
      Path folder,
      String field,
      String variable,
      String what) {
    String path = values.path(field);
    String name = values.string(field);
    String secret;
    String origin;
    if (name != null) {
      Optional<String> text = readNamedFile(reader, path, folder, name, "the " + what);
      if (text.isEmpty()) {
        return null;
      }
      secret = text.get().strip();
      origin = "the file " + folder.resolve(name);
    } else if (values.broken(field)) {
      return null;
    } else {
      String fromEnv = env.get(variable);
      if (fromEnv == null || fromEnv.isBlank()) {
        reader.error(
            path,
            "names no file and "
                + variable
                + " is not set: give the "
                + what
                + " in a file named by "
                + field
                + ", or in the "
                + variable
                + " environment variable");
        return null;
      }
      secret = fromEnv.strip();
      origin = "the " + variable + " environment variable";
    }
    if (secret.isEmpty()) {
      reader.error(path, origin + " is empty: it must hold the " + what);
      return null;
    }
    for (int i = 0; i < secret.length(); i++) {
      char c = secret.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        reader.error(
            path, origin + " holds more than the " + what + " (white space inside): keep only it");
        return null;
      }
    }
    return new Secret(secret);
  }

  private static Optional<String> readNamedFile(
      StrictJsonReader reader, String path, Path folder, String name, String what) {
    if (name.isBlank()) {
      reader.error(path, "is empty: name the file that holds " + what);
      return Optional.empty();
    }
    Path file = folder.resolve(name);
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        reader.error(path, "names " + file + ", which is too large to hold " + what);
        return Optional.empty();
      }
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      reader.error(path, "names " + file + ", which does not exist");
    } catch (IOException e) {
      reader.error(path, "names " + file + ", which cannot be read: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static String readFile(Path file) throws ConfigException {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(
            file.toString(), List.of(new ConfigError("$", "is over 4 MiB: is it the right file?")));
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file.toString(), List.of(new ConfigError("$", "does not exist: check --config")));
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(), List.of(new ConfigError("$", StrictJsonReader.readFailure(e))));
    }
  }

  private static Map<String, String> secretHints(
      String what, String field, String variable, String... names) {
    Map<String, String> hints = new HashMap<>();
    for (String name : names) {
      hints.put(name, SECRET_IN_FILE.formatted(what, field, variable));
    }
    return Map.copyOf(hints);
  }
}
