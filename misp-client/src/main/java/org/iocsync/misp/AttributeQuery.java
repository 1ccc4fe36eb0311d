package org.iocsync.misp;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import okio.Buffer;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * An immutable filter for {@link MispClient#searchAttributes(AttributeQuery)}: which attributes to
 * fetch and how many per page.
 *
 * <p>MISP receives exactly what the query says. A filter left unset is absent from the request
 * body, so MISP's own default applies; note that MISP applies <em>no</em> default for {@code
 * to_ids} and {@code published} in JSON searches, so set them when they matter. Besides the filters
 * every page request carries {@code returnFormat: "json"}, {@code page}, {@code limit} and {@code
 * order: "Attribute.id asc"}. One request differs: when a server too old to send {@code
 * X-Skipped-Elements-Count} (before MISP 2.4.196) answers a query that enforces the warninglist
 * with an empty page, the client asks for the one attribute at that page's start without {@code
 * enforceWarninglist}, to tell a page the warninglist emptied from the end of the result.
 *
 * <p>How each filter is sent: types as {@code type} (a list), event ids as {@code eventid} (a list
 * of numbers), tags and excluded tags together as {@code tags} (an excluded tag is prefixed with
 * {@code !}; MISP matches names with SQL {@code LIKE}, so {@code tlp:%} works), {@code to_ids} and
 * {@code published} as 0 or 1, {@link Deleted} as described there, time windows as {@code [from,
 * to]} in Unix seconds (both ends inclusive), {@code enforceWarninglist} and {@code
 * includeEventTags} as booleans.
 */
public final class AttributeQuery {
  /** The page size used when none is set. */
  public static final int DEFAULT_PAGE_SIZE = 1000;

  /** The largest page size accepted; larger pages strain MISP's memory and time-outs. */
  public static final int MAX_PAGE_SIZE = 50_000;

  private static final AttributeQuery ALL = builder().build();

  private final List<String> types;
  private final List<Long> eventIds;
  private final List<String> tags;
  private final List<String> excludeTags;
  private final @Nullable Boolean toIds;
  private final @Nullable Boolean published;
  private final @Nullable Deleted deleted;
  private final @Nullable Window attributeTimestamp;
  private final @Nullable Window eventTimestamp;
  private final @Nullable Boolean enforceWarninglist;
  private final @Nullable Boolean includeEventTags;
  private final int pageSize;

  private AttributeQuery(Builder builder) {
    this.types = List.copyOf(builder.types);
    this.eventIds = List.copyOf(builder.eventIds);
    this.tags = List.copyOf(builder.tags);
    this.excludeTags = List.copyOf(builder.excludeTags);
    this.toIds = builder.toIds;
    this.published = builder.published;
    this.deleted = builder.deleted;
    this.attributeTimestamp = builder.attributeTimestamp;
    this.eventTimestamp = builder.eventTimestamp;
    this.enforceWarninglist = builder.enforceWarninglist;
    this.includeEventTags = builder.includeEventTags;
    this.pageSize = builder.pageSize;
  }

  /** Returns a query without filters, with the default page size. */
  public static AttributeQuery all() {
    return ALL;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder that starts from this query's settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The attribute types to fetch; empty for all. */
  public List<String> types() {
    return types;
  }

  /** The events to fetch attributes from; empty for all. */
  public List<Long> eventIds() {
    return eventIds;
  }

  /** Tags an attribute (or its event) must carry; empty for no such filter. */
  public List<String> tags() {
    return tags;
  }

  /** Tags an attribute (or its event) must not carry; empty for no such filter. */
  public List<String> excludeTags() {
    return excludeTags;
  }

  /** The {@code to_ids} flag to match, or null to leave it out. */
  public @Nullable Boolean toIds() {
    return toIds;
  }

  /** Whether the attributes' events must be published (or unpublished), or null for either. */
  public @Nullable Boolean published() {
    return published;
  }

  /** How soft-deleted attributes are treated, or null to leave it to MISP (which excludes them). */
  public @Nullable Deleted deleted() {
    return deleted;
  }

  /** The window the attributes' own timestamps must fall in, or null for any time. */
  public @Nullable Window attributeTimestamp() {
    return attributeTimestamp;
  }

  /** The window the timestamps of the attributes' events must fall in, or null for any time. */
  public @Nullable Window eventTimestamp() {
    return eventTimestamp;
  }

  /** Whether MISP drops attributes on its warninglists, or null to leave it out. */
  public @Nullable Boolean enforceWarninglist() {
    return enforceWarninglist;
  }

  /** Whether each attribute's tags include its event's tags, or null to leave it out. */
  public @Nullable Boolean includeEventTags() {
    return includeEventTags;
  }

  /** How many attributes each page request asks for. */
  public int pageSize() {
    return pageSize;
  }

  /** Returns the JSON body of the request for one page (1-based) of this query. */
  ByteString requestBody(int page) {
    return body(page, pageSize, true);
  }

  /**
   * Returns the JSON body of a request for the one attribute at a 0-based position of this query's
   * result before warninglist filtering: the same filters without {@code enforceWarninglist}.
   */
  ByteString probeBody(long position) {
    return body(position + 1, 1, false);
  }

  private ByteString body(long page, int limit, boolean withWarninglist) {
    Buffer buffer = new Buffer();
    try (JsonWriter json = JsonWriter.of(buffer)) {
      json.beginObject();
      json.name("returnFormat").value("json");
      json.name("page").value(page);
      json.name("limit").value(limit);
      json.name("order").value("Attribute.id asc");
      if (!types.isEmpty()) {
        json.name("type").beginArray();
        for (String type : types) {
          json.value(type);
        }
        json.endArray();
      }
      if (!eventIds.isEmpty()) {
        json.name("eventid").beginArray();
        for (long eventId : eventIds) {
          json.value(eventId);
        }
        json.endArray();
      }
      if (!tags.isEmpty() || !excludeTags.isEmpty()) {
        json.name("tags").beginArray();
        for (String tag : tags) {
          json.value(tag);
        }
        for (String tag : excludeTags) {
          json.value("!" + tag);
        }
        json.endArray();
      }
      if (toIds != null) {
        json.name("to_ids").value(toIds ? 1 : 0);
      }
      if (published != null) {
        json.name("published").value(published ? 1 : 0);
      }
      if (deleted != null) {
        json.name("deleted");
        deleted.write(json);
      }
      if (attributeTimestamp != null) {
        json.name("attribute_timestamp");
        attributeTimestamp.write(json);
      }
      if (eventTimestamp != null) {
        json.name("event_timestamp");
        eventTimestamp.write(json);
      }
      if (enforceWarninglist != null && withWarninglist) {
        json.name("enforceWarninglist").value(enforceWarninglist.booleanValue());
      }
      if (includeEventTags != null) {
        json.name("includeEventTags").value(includeEventTags.booleanValue());
      }
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Writing to a memory buffer failed", e);
    }
    return buffer.readByteString();
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof AttributeQuery)) {
      return false;
    }
    AttributeQuery that = (AttributeQuery) other;
    return types.equals(that.types)
        && eventIds.equals(that.eventIds)
        && tags.equals(that.tags)
        && excludeTags.equals(that.excludeTags)
        && Objects.equals(toIds, that.toIds)
        && Objects.equals(published, that.published)
        && deleted == that.deleted
        && Objects.equals(attributeTimestamp, that.attributeTimestamp)
        && Objects.equals(eventTimestamp, that.eventTimestamp)
        && Objects.equals(enforceWarninglist, that.enforceWarninglist)
        && Objects.equals(includeEventTags, that.includeEventTags)
        && pageSize == that.pageSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        types,
        eventIds,
        tags,
        excludeTags,
        toIds,
        published,
        deleted,
        attributeTimestamp,
        eventTimestamp,
        enforceWarninglist,
        includeEventTags,
        pageSize);
  }

  /** Returns the filters as the request body of the first page. */
  @Override
  public String toString() {
    return "AttributeQuery" + requestBody(1).utf8();
  }

  /** How a search treats soft-deleted attributes. */
  public enum Deleted {
    /** Only attributes that are not deleted: sends {@code "deleted": 0}. */
    EXCLUDE,
    /** Deleted and live attributes alike: sends {@code "deleted": [0, 1]}. */
    INCLUDE,
    /** Only deleted attributes: sends {@code "deleted": 1}. */
    ONLY;

    void write(JsonWriter json) throws IOException {
      switch (this) {
        case EXCLUDE:
          json.value(0);
          break;
        case INCLUDE:
          json.beginArray().value(0).value(1).endArray();
          break;
        case ONLY:
          json.value(1);
          break;
      }
    }
  }

  /**
   * A closed time window, both ends inclusive, at whole seconds: MISP's timestamps have no finer
   * resolution, so sub-second parts are cut off.
   *
   * @param from the earliest time matched
   * @param to the latest time matched, not before {@code from}
   */
  public record Window(Instant from, Instant to) {
    public Window {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (from.isBefore(Instant.EPOCH)) {
        throw new IllegalArgumentException("window start " + from + " is before 1970");
      }
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("window end " + to + " is before its start " + from);
      }
      from = Instant.ofEpochSecond(from.getEpochSecond());
      to = Instant.ofEpochSecond(to.getEpochSecond());
    }

    void write(JsonWriter json) throws IOException {
      json.beginArray().value(from.getEpochSecond()).value(to.getEpochSecond()).endArray();
    }
  }

  /** Collects a query's filters; every one is optional. */
  public static final class Builder {
    private final List<String> types = new ArrayList<>();
    private final List<Long> eventIds = new ArrayList<>();
    private final List<String> tags = new ArrayList<>();
    private final List<String> excludeTags = new ArrayList<>();
    private @Nullable Boolean toIds;
    private @Nullable Boolean published;
    private @Nullable Deleted deleted;
    private @Nullable Window attributeTimestamp;
    private @Nullable Window eventTimestamp;
    private @Nullable Boolean enforceWarninglist;
    private @Nullable Boolean includeEventTags;
    private int pageSize = DEFAULT_PAGE_SIZE;

    private Builder() {}

    private Builder(AttributeQuery query) {
      types.addAll(query.types);
      eventIds.addAll(query.eventIds);
      tags.addAll(query.tags);
      excludeTags.addAll(query.excludeTags);
      toIds = query.toIds;
      published = query.published;
      deleted = query.deleted;
      attributeTimestamp = query.attributeTimestamp;
      eventTimestamp = query.eventTimestamp;
      enforceWarninglist = query.enforceWarninglist;
      includeEventTags = query.includeEventTags;
      pageSize = query.pageSize;
    }

    /** Fetches only attributes of these types (replacing any set before); empty for all. */
    public Builder types(Collection<String> types) {
      List<String> checked = names("types", types, false);
      this.types.clear();
      this.types.addAll(checked);
      return this;
    }

    /** Fetches only attributes of these types (replacing any set before). */
    public Builder types(String... types) {
      return types(List.of(types));
    }

    /** Fetches only attributes of these events (replacing any set before); empty for all. */
    public Builder eventIds(Collection<Long> eventIds) {
      for (Long eventId : eventIds) {
        if (eventId == null || eventId < 1) {
          throw new IllegalArgumentException("eventIds holds " + eventId + ", not a MISP event id");
        }
      }
      this.eventIds.clear();
      this.eventIds.addAll(eventIds);
      return this;
    }

    /** Fetches only attributes of these events (replacing any set before). */
    public Builder eventIds(long... eventIds) {
      List<Long> list = new ArrayList<>(eventIds.length);
      for (long eventId : eventIds) {
        list.add(eventId);
      }
      return eventIds(list);
    }

    /**
     * Fetches only attributes that carry one of these tags, or whose event does (replacing any set
     * before). Names match with SQL {@code LIKE}: {@code tlp:%} matches every TLP tag.
     */
    public Builder tags(Collection<String> tags) {
      List<String> checked = names("tags", tags, true);
      this.tags.clear();
      this.tags.addAll(checked);
      return this;
    }

    /** Fetches only attributes that carry one of these tags (replacing any set before). */
    public Builder tags(String... tags) {
      return tags(List.of(tags));
    }

    /**
     * Leaves out attributes that carry one of these tags, or whose event does (replacing any set
     * before). They are sent in {@code tags} with a leading {@code !}.
     */
    public Builder excludeTags(Collection<String> tags) {
      List<String> checked = names("excludeTags", tags, true);
      this.excludeTags.clear();
      this.excludeTags.addAll(checked);
      return this;
    }

    /** Leaves out attributes that carry one of these tags (replacing any set before). */
    public Builder excludeTags(String... tags) {
      return excludeTags(List.of(tags));
    }

    /** Matches attributes whose {@code to_ids} flag is this; null leaves the filter out. */
    public Builder toIds(@Nullable Boolean toIds) {
      this.toIds = toIds;
      return this;
    }

    /** Matches attributes whose event's published state is this; null leaves it out. */
    public Builder published(@Nullable Boolean published) {
      this.published = published;
      return this;
    }

    /** Says how to treat soft-deleted attributes; null leaves it to MISP (which excludes them). */
    public Builder deleted(@Nullable Deleted deleted) {
      this.deleted = deleted;
      return this;
    }

    /** Matches attributes whose own timestamp is within {@code [from, to]}. */
    public Builder attributeTimestamp(Instant from, Instant to) {
      this.attributeTimestamp = new Window(from, to);
      return this;
    }

    /** Matches attributes whose own timestamp is within the window; null for any time. */
    public Builder attributeTimestamp(@Nullable Window window) {
      this.attributeTimestamp = window;
      return this;
    }

    /** Matches attributes whose event's timestamp is within {@code [from, to]}. */
    public Builder eventTimestamp(Instant from, Instant to) {
      this.eventTimestamp = new Window(from, to);
      return this;
    }

    /** Matches attributes whose event's timestamp is within the window; null for any time. */
    public Builder eventTimestamp(@Nullable Window window) {
      this.eventTimestamp = window;
      return this;
    }

    /**
     * Asks MISP to drop attributes that are on its enabled warninglists (known benign values); null
     * leaves it out. MISP drops them after cutting the page, so pages come back short.
     */
    public Builder enforceWarninglist(@Nullable Boolean enforceWarninglist) {
      this.enforceWarninglist = enforceWarninglist;
      return this;
    }

    /** Asks MISP to add each attribute's event tags to its tags; null leaves it out. */
    public Builder includeEventTags(@Nullable Boolean includeEventTags) {
      this.includeEventTags = includeEventTags;
      return this;
    }

    /**
     * Sets how many attributes each page request asks for, from 1 to {@link #MAX_PAGE_SIZE}
     * (default {@link #DEFAULT_PAGE_SIZE}). The client holds one page in memory at a time.
     */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new IllegalArgumentException(
            "pageSize " + pageSize + " is not within 1.." + MAX_PAGE_SIZE);
      }
      this.pageSize = pageSize;
      return this;
    }

    public AttributeQuery build() {
      return new AttributeQuery(this);
    }

    private static List<String> names(String field, Collection<String> names, boolean isTag) {
      List<String> checked = new ArrayList<>(names.size());
      for (String name : names) {
        if (name == null || name.isBlank()) {
          throw new IllegalArgumentException(field + " holds a blank name");
        }
        if (isTag && name.startsWith("!")) {
          throw new IllegalArgumentException(
              field
                  + " holds \""
                  + name
                  + "\": a leading ! would negate it; use excludeTags to leave a tag out");
        }
        checked.add(name);
      }
      return checked;
    }
  }
}
