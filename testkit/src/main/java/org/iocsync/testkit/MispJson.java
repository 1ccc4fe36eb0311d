package org.iocsync.testkit;

import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.util.List;

/** Writes attributes and events field by field in the order and shapes MISP 2.5 uses. */
final class MispJson {
  private MispJson() {}

  static void attribute(JsonWriter writer, MispStore.AttributeRow row, boolean withEvent)
      throws IOException {
    writer.beginObject();
    writer.name("id").value(Integer.toString(row.id()));
    writer.name("event_id").value(Integer.toString(row.eventId()));
    writer.name("object_id").value("0");
    writer.name("object_relation").nullValue();
    writer.name("category").value(row.category());
    writer.name("type").value(row.type());
    writer.name("to_ids").value(row.toIds());
    writer.name("uuid").value(row.uuid());
    writer.name("timestamp").value(Long.toString(row.timestamp()));
    writer.name("distribution").value("5");
    writer.name("sharing_group_id").value("0");
    writer.name("comment").value(row.comment());
    writer.name("deleted").value(row.deleted());
    writer.name("disable_correlation").value(false);
    writer.name("first_seen").value(row.firstSeen());
    writer.name("last_seen").value(row.lastSeen());
    writer.name("value").value(row.value());
    if (withEvent) {
      writer.name("Event").beginObject();
      writer.name("org_id").value("1");
      writer.name("distribution").value("1");
      writer.name("id").value(Integer.toString(row.eventId()));
      writer.name("info").value(row.eventInfo());
      writer.name("orgc_id").value("1");
      writer.name("uuid").value(row.eventUuid());
      writer.endObject();
    } else {
      writer.name("Galaxy").beginArray().endArray();
      writer.name("ShadowAttribute").beginArray().endArray();
    }
    tags(writer, row.tags());
    writer.endObject();
  }

  /** Writes the {@code Tag} array, or nothing at all when there are no tags, as MISP does. */
  static void tags(JsonWriter writer, List<MispStore.TagRow> tags) throws IOException {
    if (tags.isEmpty()) {
      return;
    }
    writer.name("Tag").beginArray();
    for (MispStore.TagRow tag : tags) {
      writer.beginObject();
      writer.name("id").value(Integer.toString(tag.id()));
      writer.name("name").value(tag.name());
      writer.name("colour").value(tag.colour());
      writer.name("exportable").value(true);
      writer.name("user_id").value("0");
      writer.name("hide_tag").value(false);
      writer.name("numerical_value").nullValue();
      writer.name("is_galaxy").value(false);
      writer.name("is_custom_galaxy").value(false);
      writer.name("local_only").value(false);
      writer.name("local").value(0);
      if (tag.inherited()) {
        writer.name("inherited").value(1);
      }
      writer.endObject();
    }
    writer.endArray();
  }

  /** Writes the event's fields up to, not including, its attributes. */
  static void eventHead(JsonWriter writer, MispStore.EventRow event) throws IOException {
    writer.name("id").value(Integer.toString(event.id()));
    writer.name("orgc_id").value("1");
    writer.name("org_id").value("1");
    writer.name("date").value(event.date());
    writer.name("threat_level_id").value(Integer.toString(event.threatLevel()));
    writer.name("info").value(event.info());
    writer.name("published").value(event.published());
    writer.name("uuid").value(event.uuid());
    writer.name("attribute_count").value(Integer.toString(event.attributeCount()));
    writer.name("analysis").value(Integer.toString(event.analysis()));
    writer.name("timestamp").value(Long.toString(event.timestamp()));
    writer.name("distribution").value("1");
    writer.name("proposal_email_lock").value(false);
    writer.name("locked").value(false);
    writer.name("publish_timestamp").value(Long.toString(event.publishTimestamp()));
    writer.name("sharing_group_id").value("0");
    writer.name("disable_correlation").value(false);
    writer.name("extends_uuid").value("");
    writer.name("protected").nullValue();
    writer.name("event_creator_email").value("admin@admin.test");
    organisation(writer, "Org", event.orgName());
    organisation(writer, "Orgc", event.orgName());
  }

  /** Writes the event's fields that follow its attributes. */
  static void eventTail(JsonWriter writer, MispStore.EventRow event) throws IOException {
    for (String empty :
        new String[] {
          "ShadowAttribute", "RelatedEvent", "Galaxy", "Object", "EventReport", "CryptographicKey"
        }) {
      writer.name(empty).beginArray().endArray();
    }
    tags(writer, event.tags());
  }

  private static void organisation(JsonWriter writer, String field, String name)
      throws IOException {
    writer.name(field).beginObject();
    writer.name("id").value("1");
    writer.name("name").value(name);
    writer.name("uuid").value("5f6e7d8c-1a2b-4c3d-9e8f-0a1b2c3d4e5f");
    writer.name("local").value(true);
    writer.endObject();
  }

  static Reply error(int status, String message, String url) {
    return Reply.json(
        status,
        writer -> {
          writer.beginObject();
          writer.name("name").value(message);
          writer.name("message").value(message);
          writer.name("url").value(url);
          writer.endObject();
        });
  }
}
