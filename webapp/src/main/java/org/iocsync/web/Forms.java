package org.iocsync.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.iocsync.core.ConnectionSettings;
import org.iocsync.core.JobSpec;
import org.iocsync.core.JobValidator;
import org.iocsync.core.Server;
import org.iocsync.web.StrictJsonReader.Field;
import org.iocsync.web.StrictJsonReader.Kind;
import org.iocsync.web.StrictJsonReader.MalformedJsonException;
import org.iocsync.web.StrictJsonReader.Values;
import org.jspecify.annotations.Nullable;

/**
 * Reads jobs and connection settings sent to the API (as JSON) or from the page's forms, checking
 * every field the way the configuration file is checked.
 */
final class Forms {
  private Forms() {}

  /** A connection's settings and, when one was sent, its new secret. */
  record ConnectionForm(ConnectionSettings settings, @Nullable Secret secret) {}

  /** Either what was read, or the errors by field name. */
  record Result<T>(@Nullable T value, Map<String, String> errors) {
    boolean ok() {
      return value != null && errors.isEmpty();
    }
  }

  static Result<JobSpec> job(String json, Set<String> knownTypes) {
    JobValidator validator =
        knownTypes.isEmpty()
            ? JobValidator.withBuiltInTypes()
            : JobValidator.withKnownTypes(knownTypes);
    StrictJsonReader reader = new StrictJsonReader(json);
    try {
      Optional<JobSpec> job = new JobReader(validator).read(reader);
      reader.expectEnd();
      return result(job.orElse(null), reader.errors());
    } catch (MalformedJsonException e) {
      return result(null, List.of(new ConfigError("$", e.getMessage())));
    } catch (IOException e) {
      return result(null, List.of(new ConfigError("$", StrictJsonReader.readFailure(e))));
    }
  }

  static Result<ConnectionForm> connection(Server server, String json, boolean secretStored) {
    String secretField = server == Server.MISP ? "key" : "token";
    Map<String, Field> schema =
        server == Server.MISP
            ? Map.of(
                "url", new Field(Kind.STRING, false),
                "key", new Field(Kind.STRING, true),
                "caCertificatePem", new Field(Kind.STRING, true),
                "verifyTls", new Field(Kind.BOOLEAN, false))
            : Map.of(
                "url", new Field(Kind.STRING, false),
                "token", new Field(Kind.STRING, true),
                "apiVersion", new Field(Kind.STRING, true),
                "caCertificatePem", new Field(Kind.STRING, true),
                "verifyTls", new Field(Kind.BOOLEAN, false));
    StrictJsonReader reader = new StrictJsonReader(json);
    try {
      Values values = reader.readObject("an object with url and " + secretField, schema, Map.of());
      reader.expectEnd();
      if (!values.valid()) {
        return result(null, reader.errors());
      }
      String url = ConfigParser.url(reader, values);
      boolean verifyTls = values.bool("verifyTls", true);

      String apiVersion = blankToNull(values.string("apiVersion"));
      if (apiVersion != null && !apiVersion.matches("\\d{1,3}\\.\\d{1,2}")) {
        reader.error(
            values.path("apiVersion"),
            JobReader.quote(apiVersion)
                + " is not a QRadar API version: use one such as 16.0,"
                + " or leave it empty to choose from what the server offers");
      }

      String pem = blankToNull(values.string("caCertificatePem"));
      if (pem != null && !pem.contains("-----BEGIN CERTIFICATE-----")) {
        reader.error(
            values.path("caCertificatePem"),
            "is not a PEM certificate: paste the CA's certificate, BEGIN CERTIFICATE line included");
      } else if (pem != null && !verifyTls) {
        reader.error(
            values.path("caCertificatePem"),
            "is set while TLS verification is off: turn verification on, or clear it");
      }

      Secret secret = null;
      String typed = blankToNull(values.string(secretField));
      if (typed != null) {
        if (typed.strip().chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20)) {
          reader.error(values.path(secretField), "contains white space: paste only the secret");
        } else {
          secret = new Secret(typed.strip());
        }
      } else if (!secretStored) {
        reader.error(
            values.path(secretField),
            "is missing: the "
                + (server == Server.MISP ? "MISP API key" : "QRadar authorized service token")
                + " is needed once; it is stored encrypted and never shown again");
      }

      if (!reader.errors().isEmpty() || url == null) {
        return result(null, reader.errors());
      }
      return result(
          new ConnectionForm(new ConnectionSettings(url, apiVersion, verifyTls, pem), secret),
          reader.errors());
    } catch (MalformedJsonException e) {
      return result(null, List.of(new ConfigError("$", e.getMessage())));
    } catch (IOException e) {
      return result(null, List.of(new ConfigError("$", StrictJsonReader.readFailure(e))));
    }
  }

  private static <T> Result<T> result(@Nullable T value, List<ConfigError> errors) {
    Map<String, String> byField = new LinkedHashMap<>();
    for (ConfigError error : errors) {
      byField.merge(error.field(), error.message(), (a, b) -> a + "; " + b);
    }
    return new Result<>(errors.isEmpty() ? value : null, byField);
  }

  private static @Nullable String blankToNull(@Nullable String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }

  /** Splits a form's comma- or line-separated list, dropping empty items. */
  static List<String> splitList(@Nullable String text) {
    List<String> items = new ArrayList<>();
    if (text != null) {
      for (String item : text.split("[,\\n]")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }
}
