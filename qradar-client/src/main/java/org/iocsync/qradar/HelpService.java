package org.iocsync.qradar;

import java.util.List;
import retrofit2.Call;
import retrofit2.http.GET;
import retrofit2.http.Query;

/** QRadar's {@code /api/help} endpoints, called without a {@code Version} header. */
interface HelpService {
  @GET("api/help/versions")
  Call<List<QradarJson.Version>> versions(@Query("fields") String fields);
}
