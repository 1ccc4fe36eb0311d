package org.iocsync.web;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code ioc-sync} command line.
 *
 * <pre>
 * ioc-sync sync  --config FILE [--state-dir DIR] [--store-url URL] [--job NAME] [--dry-run] [--full]
 *                [--json]
 * ioc-sync serve [--config FILE] [--state-dir DIR] [--store-url URL] [--port N] [--bind ADDR]
 * ioc-sync demo  [--port N] [--state-dir DIR]
 * </pre>
 *
 * <p>Exit codes: 0 when everything succeeded, 1 when a job failed, 2 for a usage or configuration
 * error. Results go to standard output, logs and messages to standard error.
 */
public final class Main {
  /** Success. */
  static final int OK = 0;

  /** A job failed. */
  static final int FAILED = 1;

  /** The command line or the configuration is wrong. */
  static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new Console(
                System.out,
                System.err,
                System.getenv(),
                new CoreRunners(new ClientConnectors(), Clock.systemUTC()))));
  }

  static int run(String[] args, Console console) {
    CommandLine cli = new CommandLine(new IocSyncCommand(), new CommandFactory(console));
    cli.setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? USAGE : FAILED);
    return cli.execute(args);
  }

  /**
   * Says what is wrong with the command line and shows the usage. Unknown arguments are named only
   * by their option names: a value that does not belong there may be a key typed in the wrong
   * place, and must not be echoed.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> options = new ArrayList<>();
      int values = 0;
      for (String argument : unmatched.getUnmatched()) {
        if (argument.startsWith("-")) {
          options.add(argument.split("=", 2)[0]);
        } else {
          values++;
        }
      }
      StringBuilder message = new StringBuilder();
      if (!options.isEmpty()) {
        message.append("Unknown option(s): ").append(String.join(", ", options));
      }
      if (values > 0) {
        message
            .append(message.length() > 0 ? "; and " : "")
            .append(values)
            .append(" unexpected argument(s), not shown");
      }
      err.println(message + ". Secrets are never accepted on the command line: see --help.");
    } else {
      err.println(e.getMessage());
    }
    command.usage(err);
    return USAGE;
  }

  /** Builds each command with the console it reports to. */
  private static final class CommandFactory implements CommandLine.IFactory {
    private final Console console;

    CommandFactory(Console console) {
      this.console = console;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == SyncCommand.class) {
        return type.cast(new SyncCommand(console));
      }
      if (type == ServeCommand.class) {
        return type.cast(new ServeCommand(console));
      }
      if (type == DemoCommand.class) {
        return type.cast(new DemoCommand(console));
      }

      return CommandLine.defaultFactory().create(type);
    }
  }
}
