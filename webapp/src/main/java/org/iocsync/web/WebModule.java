package org.iocsync.web;

import com.squareup.moshi.Moshi;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.javalin.json.JsonMapper;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import org.iocsync.core.SqliteStore;
import org.iocsync.core.Store;

/** Binds the web server's parts. */
@Module
interface WebModule {
  @Binds
  JsonMapper jsonMapper(MoshiJsonMapper mapper);

  @Binds
  @IntoSet
  Routes debugRoutes(DebugRoutes routes);

  @Binds
  @IntoSet
  Routes staticRoutes(StaticRoutes routes);

  @Binds
  @IntoSet
  Routes authRoutes(AuthRoutes routes);

  @Binds
  @IntoSet
  Routes homeRoutes(HomeRoutes routes);

  @Binds
  @IntoSet
  Routes apiRoutes(ApiRoutes routes);

  @Binds
  @IntoSet
  Routes demoRoutes(DemoRoutes routes);

  @Provides
  @Singleton
  static Store store(WebSettings settings) {
    return SqliteStore.builder().stateDirectory(settings.stateDir()).build();
  }

  @Provides
  @Singleton
  static Moshi moshi() {
    return new Moshi.Builder().add(new RecordAdapterFactory()).build();
  }

  @Provides
  @Singleton
  static SecureRandom secureRandom() {
    return new SecureRandom();
  }
}
