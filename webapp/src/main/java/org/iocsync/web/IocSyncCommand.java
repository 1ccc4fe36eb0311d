package org.iocsync.web;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top of the command line, which only lists its subcommands. */
@Command(
    name = "ioc-sync",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Keeps IBM QRadar reference sets in step with the indicators of a MISP instance.",
    subcommands = {SyncCommand.class, ServeCommand.class, DemoCommand.class},
    footer = {
      "",
      "Exit codes: 0 success, 1 a job failed, 2 a usage or configuration error.",
      "Secrets come from the files the configuration names, or MISP_KEY and QRADAR_TOKEN."
    })
final class IocSyncCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("Name a command: sync, serve or demo.");
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.USAGE;
  }
}
