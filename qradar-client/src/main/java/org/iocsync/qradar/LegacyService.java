package org.iocsync.qradar;

import java.util.List;
import org.jspecify.annotations.Nullable;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.DELETE;
import retrofit2.http.GET;
import retrofit2.http.Header;
import retrofit2.http.POST;
import retrofit2.http.Path;
import retrofit2.http.Query;
import retrofit2.http.Url;

/**
 * The legacy reference set endpoints. Names and values in paths arrive already encoded twice (see
 * {@link PathEncoding}); query values are encoded once, by Retrofit.
 */
interface LegacyService {
  @GET("api/reference_data/sets")
  Call<List<QradarJson.LegacySet>> list(
      @Query("fields") String fields, @Header("Range") String range);

  @GET("api/reference_data/sets/{name}")
  Call<QradarJson.LegacySet> get(
      @Path(value = "name", encoded = true) String name, @Query("fields") String fields);

  @GET("api/reference_data/sets/{name}")
  Call<QradarJson.LegacySet> data(
      @Path(value = "name", encoded = true) String name,
      @Query("fields") String fields,
      @Header("Range") String range);

  @POST("api/reference_data/sets")
  Call<QradarJson.LegacySet> create(
      @Query("name") String name,
      @Query("element_type") String elementType,
      @Query("time_to_live") @Nullable String timeToLive,
      @Query("timeout_type") @Nullable String timeoutType);

  /** The bulk load of API 16.0 and before. */
  @POST("api/reference_data/sets/bulk_load/{name}")
  Call<QradarJson.LegacySet> bulkLoad(
      @Path(value = "name", encoded = true) String name, @Body List<String> values);

  /** The bulk load documented from API 17.0: shared namespace, shared domain. */
  @POST("api/reference_data/sets/bulk_load/SHARED/{name}/SHARED")
  Call<QradarJson.LegacySet> bulkLoadShared(
      @Path(value = "name", encoded = true) String name, @Body List<String> values);

  @DELETE("api/reference_data/sets/{name}/{value}")
  Call<QradarJson.LegacySet> removeValue(
      @Path(value = "name", encoded = true) String name,
      @Path(value = "value", encoded = true) String value);

  @DELETE("api/reference_data/sets/{name}")
  Call<QradarJson.Task> delete(
      @Path(value = "name", encoded = true) String name,
      @Query("purge_only") @Nullable String purgeOnly);

  @GET
  Call<QradarJson.Task> task(@Url String url);
}
