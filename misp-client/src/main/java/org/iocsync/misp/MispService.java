package org.iocsync.misp;

import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import retrofit2.Call;
import retrofit2.http.Body;
import retrofit2.http.GET;
import retrofit2.http.POST;
import retrofit2.http.Path;
import retrofit2.http.Streaming;

/**
 * The MISP endpoints this client calls. Bodies stream ({@link Streaming}) so that {@link MispJson}
 * reads them token by token instead of Retrofit buffering them whole.
 */
interface MispService {
  @Streaming
  @GET("servers/getVersion")
  Call<ResponseBody> version();

  @Streaming
  @GET("attributes/describeTypes")
  Call<ResponseBody> describeTypes();

  @Streaming
  @GET("events/view/{id}")
  Call<ResponseBody> event(@Path("id") String id);

  @Streaming
  @POST("attributes/restSearch")
  Call<ResponseBody> searchAttributes(@Body RequestBody filters);

  @Streaming
  @POST("events/restSearch")
  Call<ResponseBody> searchEvents(@Body RequestBody filters);
}
