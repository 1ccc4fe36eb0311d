package org.iocsync.qradar;

import java.util.List;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.DELETE;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.Headers;
import retrofit2.http.PATCH;
import retrofit2.http.POST;
import retrofit2.http.Path;
import retrofit2.http.Query;

/** The reference data collections endpoints (API 16.0 and later), which name sets by id. */
interface CollectionsService {
  @GET("api/reference_data_collections/sets")
  Call<List<QradarJson.CollectionSet>> sets(
      @Query("filter") @Nullable String filter, @Header("Range") String range);

  @POST("api/reference_data_collections/sets")
  Call<QradarJson.CollectionSet> create(@Body QradarJson.NewCollectionSet set);

  @POST("api/reference_data_collections/sets/{id}")
  Call<QradarJson.CollectionSet> update(@Path("id") long id, @Body QradarJson.SetUpdate update);

  @DELETE("api/reference_data_collections/sets/{id}")
  Call<QradarJson.Task> delete(@Path("id") long id);

  @GET("api/reference_data_collections/set_delete_tasks/{id}")
  Call<QradarJson.Task> deleteTask(@Path("id") long id);

  @GET("api/reference_data_collections/set_entries")
  Call<List<QradarJson.CollectionEntry>> entries(
      @Query("filter") String filter,
      @Query("fields") String fields,
      @Header("Range") String range);

  @PATCH("api/reference_data_collections/set_entries")
  Call<QradarJson.Task> bulkUpdate(@Body List<QradarJson.EntryUpdate> entries);

  @GET("api/reference_data_collections/set_bulk_update_tasks/{id}")
  Call<QradarJson.Task> bulkUpdateTask(@Path("id") long id);

  @GET("api/reference_data_collections/set_bulk_update_tasks/{id}/results")
  Call<QradarJson.BulkResults> bulkUpdateResults(@Path("id") long id);

  /** Documented as answering {@code text/plain} (an empty 204), unlike every other endpoint. */
  @DELETE("api/reference_data_collections/set_entries/{id}")
  @Headers("Accept: text/plain")
  Call<Void> deleteEntry(@Path("id") long id);
}
