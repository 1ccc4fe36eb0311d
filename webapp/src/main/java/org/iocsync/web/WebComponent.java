package org.iocsync.web;

import dagger.BindsInstance;
import dagger.Component;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;

/** The object graph of one web server. */
@Singleton
@Component(modules = WebModule.class)
interface WebComponent {
  WebServer server();

  AdminPassword adminPassword();

  SetupCode setupCode();

  SyncService service();

  @Component.Builder
  interface Builder {
    @BindsInstance
    Builder settings(WebSettings settings);

    @BindsInstance
    Builder clock(Clock clock);

    @BindsInstance
    Builder connectors(Connectors connectors);

    /** The demo's fake servers, whose page is then served; absent outside the demo. */
    @BindsInstance
    Builder demo(Optional<DemoServers> demo);

    WebComponent build();
  }
}
