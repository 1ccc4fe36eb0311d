package org.iocsync.qradar;

import com.squareup.moshi.Json;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The JSON QRadar reads and writes, field for field. Every field is nullable here: what a caller
 * relies on is checked where the JSON becomes a model type. The records are public only because
 * Moshi binds records through public lookups; this class keeps them out of reach of callers.
 */
final class QradarJson {
  private QradarJson() {}

  public record Version(
      @Nullable String version, @Nullable Boolean deprecated, @Nullable Boolean removed) {}

  public record Error(
      @Json(name = "http_response") @Nullable HttpResponse httpResponse,
      @Nullable Integer code,
      @Nullable String message,
      @Nullable String description) {}

  public record HttpResponse(@Nullable Integer code, @Nullable String message) {}

  public record LegacySet(
      @Nullable String name,
      @Json(name = "element_type") @Nullable String elementType,
      @Json(name = "number_of_elements") @Nullable Long numberOfElements,
      @Json(name = "time_to_live") @Nullable String timeToLive,
      @Json(name = "timeout_type") @Nullable String timeoutType,
      @Json(name = "creation_time") @Nullable Long creationTime,
      @Json(name = "collection_id") @Nullable Long collectionId,
      @Nullable List<LegacyEntry> data) {}

  public record LegacyEntry(
      @Nullable String value,
      @Nullable String source,
      @Json(name = "first_seen") @Nullable Long firstSeen,
      @Json(name = "last_seen") @Nullable Long lastSeen) {}

  public record Task(
      @Nullable Long id,
      @Nullable String status,
      @Nullable String message,
      @Json(name = "error_code") @Nullable Integer errorCode,
      @Json(name = "error_message") @Nullable String errorMessage) {}

  public record CollectionSet(
      @Nullable Long id,
      @Nullable String name,
      @Json(name = "entry_type") @Nullable String entryType,
      @Nullable String namespace,
      @Json(name = "number_of_entries") @Nullable Long numberOfEntries,
      @Json(name = "time_to_live") @Nullable Long timeToLive,
      @Json(name = "expiry_type") @Nullable String expiryType,
      @Json(name = "creation_time") @Nullable Long creationTime) {}

  public record NewCollectionSet(
      String name,
      @Json(name = "entry_type") String entryType,
      @Json(name = "expiry_type") String expiryType,
      @Json(name = "time_to_live") @Nullable Long timeToLive) {}

  public record SetUpdate(@Json(name = "delete_entries") boolean deleteEntries) {}

  public record CollectionEntry(
      @Nullable Long id,
      @Json(name = "collection_id") @Nullable Long collectionId,
      @Nullable String value,
      @Nullable String source,
      @Json(name = "first_seen") @Nullable Long firstSeen,
      @Json(name = "last_seen") @Nullable Long lastSeen) {}

  public record EntryUpdate(@Json(name = "collection_id") long collectionId, String value) {}

  public record BulkResults(
      @Nullable Long id,
      @Nullable String status,
      @Nullable List<BulkResponse> responses,
      @Json(name = "successful_responses") @Nullable Integer successfulResponses,
      @Json(name = "total_responses") @Nullable Integer totalResponses) {}

  public record BulkResponse(
      @Json(name = "http_status") @Nullable Integer httpStatus,
      @Nullable String message,
      @Json(name = "unique_code") @Nullable Integer uniqueCode) {}
}
