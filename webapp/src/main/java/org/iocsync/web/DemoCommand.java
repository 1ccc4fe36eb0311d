package org.iocsync.web;

import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ioc-sync demo}: the web UI and scheduler against a fake MISP and a fake QRadar. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a fake MISP seeded with sample events, a fake QRadar, jobs between them and the"
          + " web UI, and prints the address and the password to log in with.",
      "Nothing leaves this machine: both servers run in this process on 127.0.0.1."
    })
final class DemoCommand implements Callable<Integer> {
  private static final String PASSWORD_ALPHABET =
      "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8080",
      description = "The port of the web UI (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Where the demo keeps its database; a new temporary folder by default.")
  @Nullable Path stateDir;

  private final Console console;

  DemoCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (port < 0 || port > 65535) {
      console.err().println("--port: " + port + " is not a port: use 0 to 65535");
      return Main.USAGE;
    }
    Path state = stateDir != null ? stateDir : Files.createTempDirectory("ioc-sync-demo");
    WebSettings settings =
        WebSettings.fromEnvironment(Map.of(), WebSettings.STANDALONE_BIND_ADDRESS, port, state);

    DemoServers servers = DemoServers.start();
    WebComponent component =
        DaggerWebComponent.builder()
            .settings(settings)
            .clock(Clock.systemUTC())
            .connectors(new ClientConnectors())
            .demo(Optional.of(servers))
            .build();
    WebServer server = component.server();
    try {
      servers.configure(component.service());
      server.start();
    } catch (JavalinBindException e) {
      server.close();
      servers.close();
      console.err().println("Cannot listen on port " + port + ": choose another with --port");
      return Main.FAILED;
    }
    component.service().startScheduling();

    String address = "http://127.0.0.1:" + server.port() + "/";
    console.out().println("IOC Sync demo is running at " + address);
    if (component.adminPassword().isSet()) {
      console.out().println("Log in with the admin password set earlier in " + state);
    } else {
      String password = password();
      component.adminPassword().setFirst(password.toCharArray());
      console.out().println("Log in with the password " + password);
    }
    console.out().println("Watch the fake servers at " + address + "demo");
    console.out().println("State is kept in " + state + "; stop with Ctrl-C.");

    ServeCommand.awaitShutdown(server, servers);
    return Main.OK;
  }

  private static String password() {
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      password.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
    }
    return password.toString();
  }
}
