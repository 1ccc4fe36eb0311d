package org.iocsync.web;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes this package's records as JSON objects named after their components. Moshi's own
 * record support needs public records; the app keeps its JSON shapes package-private.
 */
final class RecordAdapterFactory implements JsonAdapter.Factory {
  @Override
  public @Nullable JsonAdapter<?> create(
      Type type, Set<? extends Annotation> annotations, Moshi moshi) {
    if (!(type instanceof Class<?> raw)
        || !raw.isRecord()
        || !annotations.isEmpty()
        || !raw.getPackageName().equals(RecordAdapterFactory.class.getPackageName())) {
      return null;
    }
    return new RecordAdapter<>(raw, moshi).nullSafe();
  }

  private static final class RecordAdapter<T> extends JsonAdapter<T> {
    private final Class<T> type;
    private final Map<String, Component> components = new LinkedHashMap<>();
    private final Constructor<T> constructor;

    RecordAdapter(Class<T> type, Moshi moshi) {
      this.type = type;
      RecordComponent[] recordComponents = type.getRecordComponents();
      Class<?>[] parameterTypes = new Class<?>[recordComponents.length];
      for (int i = 0; i < recordComponents.length; i++) {
        RecordComponent component = recordComponents[i];
        Method accessor = component.getAccessor();
        accessor.setAccessible(true);
        components.put(
            component.getName(),
            new Component(i, accessor, moshi.adapter(component.getGenericType())));
        parameterTypes[i] = component.getType();
      }
      try {
        this.constructor = type.getDeclaredConstructor(parameterTypes);
        constructor.setAccessible(true);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("A record without its canonical constructor: " + type, e);
      }
    }

    @Override
    public T fromJson(JsonReader reader) throws IOException {
      Object[] values = new Object[components.size()];
      reader.beginObject();
      while (reader.hasNext()) {
        String name = reader.nextName();
        Component component = components.get(name);
        if (component == null) {
          throw new JsonDataException("Unknown field " + reader.getPath());
        }
        values[component.index()] = component.adapter().fromJson(reader);
      }
      reader.endObject();
      try {
        return constructor.newInstance(values);
      } catch (InvocationTargetException e) {
        throw new JsonDataException(e.getCause().getMessage() + " at " + reader.getPath());
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        throw new JsonDataException("Cannot build " + type.getSimpleName() + ": " + e);
      }
    }

    @Override
    public void toJson(JsonWriter writer, @Nullable T value) throws IOException {
      writer.beginObject();
      for (Map.Entry<String, Component> entry : components.entrySet()) {
        writer.name(entry.getKey());
        entry.getValue().write(writer, value);
      }
      writer.endObject();
    }
  }

  private record Component(int index, Method accessor, JsonAdapter<Object> adapter) {
    void write(JsonWriter writer, @Nullable Object record) throws IOException {
      try {
        adapter.toJson(writer, accessor.invoke(record));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Cannot read " + accessor, e);
      }
    }
  }
}
