package org.iocsync.misp;

import com.squareup.moshi.JsonReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;

/**
 * Walks the pages of one attribute search, fetching the next page only when the caller has used up
 * the previous one. A page is read token by token and its body closed before any of its attributes
 * is handed out, so no response stays open between pages and memory holds one page.
 *
 * <p>The last page is one whose count plus the {@code X-Skipped-Elements-Count} header (the items
 * MISP's warninglist removed after cutting the page) is below the limit. Without that header (MISP
 * before 2.4.196) only an empty page ends the walk, since a short page may just have been filtered;
 * and when the query enforces the warninglist, an empty page ends it only once a probe without the
 * warninglist finds nothing at that page's first position either.
 */
final class AttributePager implements Iterator<MispAttribute>, AutoCloseable {
  private static final MediaType JSON = MediaType.get("application/json");

  private final MispService service;
  private final MispCalls calls;
  private final AttributeQuery query;

  private Iterator<MispAttribute> current = Collections.emptyIterator();
  private int lastPage;
  private boolean exhausted;
  private long highestId;
  private volatile boolean closed;
  private volatile @Nullable Call<ResponseBody> inFlight;

  AttributePager(MispService service, MispCalls calls, AttributeQuery query) {
    this.service = service;
    this.calls = calls;
    this.query = query;
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext()) {
      if (closed || exhausted) {
        return false;
      }
      fetchNextPage();
    }
    return true;
  }

  @Override
  public MispAttribute next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  /** Stops the walk; a page being fetched on another thread is cancelled. */
  @Override
  public void close() {
    closed = true;
    current = Collections.emptyIterator();
    Call<ResponseBody> call = inFlight;
    if (call != null) {
      call.cancel();
    }
  }

  private void fetchNextPage() {
    int number = lastPage + 1;
    Page page = execute(query.requestBody(number), this::readPage);

    boolean last = page.last;
    // An older server's empty page may only mean that the warninglist removed a whole page: ask
    // for the first attribute of that page without the warninglist to tell it from the end.
    if (last && page.emptyWithoutSkippedCount && Boolean.TRUE.equals(query.enforceWarninglist())) {
      long position = (long) (number - 1) * query.pageSize();
      last = !execute(query.probeBody(position), AttributePager::holdsAnAttribute);
    }

    lastPage = number;
    exhausted = last;
    if (!page.fresh.isEmpty()) {
      highestId = page.fresh.get(page.fresh.size() - 1).id();
    }
    current = page.fresh.iterator();
  }

  private <T> T execute(ByteString body, MispCalls.Parser<T> parser) {
    Call<ResponseBody> call = service.searchAttributes(RequestBody.create(body, JSON));
    inFlight = call;
    if (closed) {
      call.cancel();
    }
    try {
      return calls.execute(call, parser);
    } finally {
      inFlight = null;
    }
  }

  /**
   * Reads {@code {"response": {"Attribute": [...]}}} (or MISP's empty {@code {"response": []}})
   * into the attributes not seen on earlier pages, and decides whether it is the last page.
   */
  private Page readPage(JsonReader reader, Headers headers) throws IOException {
    Page page = null;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("response")) {
        page = readResponse(reader);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    if (page == null) {
      throw new MalformedJson("$.response", "missing");
    }

    Integer skipped = skippedCount(headers);
    page.last =
        skipped != null ? (long) page.returned + skipped < query.pageSize() : page.returned == 0;
    page.emptyWithoutSkippedCount = skipped == null && page.returned == 0;

    // A full page of attributes all seen before means the server repeats pages instead of
    // moving on (it ignores "page"): walking further would never end.
    if (!page.last && page.returned > 0 && page.fresh.isEmpty()) {
      throw new MalformedJson(
          "$.response.Attribute",
          "page "
              + (lastPage + 1)
              + " holds only attributes of earlier pages (the server seems to ignore the page"
              + " parameter)");
    }
    return page;
  }

  private Page readResponse(JsonReader reader) throws IOException {
    Page page = new Page();
    if (reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
      reader.beginArray();
      if (reader.hasNext()) {
        throw new MalformedJson(reader.getPath(), "an array where an object was expected");
      }
      reader.endArray();
      return page;
    }
    boolean sawAttributes = false;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("Attribute")) {
        sawAttributes = true;
        readAttributes(reader, page);
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    if (!sawAttributes) {
      throw new MalformedJson("$.response.Attribute", "missing");
    }
    return page;
  }

  private void readAttributes(JsonReader reader, Page page) throws IOException {
    long previousId = 0;
    reader.beginArray();
    while (reader.hasNext()) {
      if (page.returned == query.pageSize()) {
        throw new MalformedJson(
            "$.response.Attribute[" + page.returned + "]",
            "more attributes than the page limit of "
                + query.pageSize()
                + " (the server ignores paging; a proxy that drops the Content-Type header"
                + " causes this)");
      }
      MispAttribute attribute = MispJson.attribute(reader);
      page.returned++;

      if (attribute.id() <= previousId) {
        throw new MalformedJson(
            "$.response.Attribute[" + (page.returned - 1) + "].id",
            "id "
                + attribute.id()
                + " after id "
                + previousId
                + " (the server ignores the order Attribute.id asc)");
      }
      previousId = attribute.id();

      // Ids at or below the highest one already handed out come from a page that shifted
      // because attributes entered the result set meanwhile: they were seen already.
      if (attribute.id() > highestId) {
        page.fresh.add(attribute);
      }
    }
    reader.endArray();
  }

  /** Reads a search answer only as far as needed to tell whether it holds an attribute. */
  private static boolean holdsAnAttribute(JsonReader reader, Headers headers) throws IOException {
    boolean found = false;
    reader.beginObject();
    while (reader.hasNext()) {
      if (reader.nextName().equals("response") && reader.peek() == JsonReader.Token.BEGIN_OBJECT) {
        reader.beginObject();
        while (reader.hasNext()) {
          if (reader.nextName().equals("Attribute")
              && reader.peek() == JsonReader.Token.BEGIN_ARRAY) {
            reader.beginArray();
            found = reader.hasNext();
            while (reader.hasNext()) {
              reader.skipValue();
            }
            reader.endArray();
          } else {
            reader.skipValue();
          }
        }
        reader.endObject();
      } else {
        reader.skipValue();
      }
    }
    reader.endObject();
    return found;
  }

  private static @Nullable Integer skippedCount(Headers headers) {
    String value = headers.get("X-Skipped-Elements-Count");
    if (value == null) {
      return null;
    }
    try {
      int skipped = Integer.parseInt(value.trim());
      return skipped >= 0 ? skipped : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** What one page held, and what it says about the pages after it. */
  private static final class Page {
    /** The attributes not seen on earlier pages. */
    final List<MispAttribute> fresh = new ArrayList<>();

    /** How many attributes the server returned. */
    int returned;

    boolean last;
    boolean emptyWithoutSkippedCount;
  }
}
