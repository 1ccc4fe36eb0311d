package org.iocsync.web;

import com.squareup.moshi.Moshi;
import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import io.javalin.json.JsonMapper;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import org.iocsync.core.IndicatorSource;
import org.iocsync.core.Scheduler;
import org.iocsync.core.SetTarget;
import org.iocsync.core.SharedReads;
import org.iocsync.core.SqliteStore;
import org.iocsync.core.Store;
import org.iocsync.core.SyncEngine;

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

  @Binds
  @IntoSet
  Routes qradarRoutes(QradarRoutes routes);

  @Binds
  IndicatorSource indicatorSource(SavedMisp misp);

  @Binds
  SetTarget setTarget(SavedQradar qradar);

  /** Lets runs the scheduler starts together read MISP once where their searches overlap. */
  @Provides
  @Singleton
  static SharedReads sharedReads(IndicatorSource source) {
    return SharedReads.of(source);
  }

  @Provides
  @Singleton
  static SyncEngine engine(
      Store store, SharedReads source, SetTarget target, Clock clock, StatusBoard board) {
    return SyncEngine.builder()
        .store(store)
        .source(source)
        .target(target)
        .clock(clock)
        .listener(board)
        .build();
  }

  @Provides
  @Singleton
  static Scheduler scheduler(SyncEngine engine, Store store, Clock clock, SharedReads reads) {
    return Scheduler.builder().engine(engine).store(store).clock(clock).sharedReads(reads).build();
  }

  @Provides
  @Singleton
  static Store store(WebSettings settings) {
    StoreSettings shared = settings.store();
    if (shared != null) {
      // Handed on as it is: the engine and the scheduler see its leases only on the store itself.
      return shared.open();
    }
    SqliteStore.Builder store = SqliteStore.builder().stateDirectory(settings.stateDir());
    QradarApp.storeKey(settings.qradarAppUuid(), settings.stateDir()).ifPresent(store::keyMaterial);
    return store.build();
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
