package org.iocsync.web;

import java.nio.file.Path;

/** Runs jobs with the core's sync engine against the real MISP and QRadar clients. */
final class CoreRunners implements JobRunner.Factory {
  @Override
  public JobRunner open(SyncConfig config, Path stateDir) {
    // The core's embedded entry point, which builds the engine on its store and both clients, is
    // not published yet; until it is, sync says so instead of pretending to run.
    throw new IllegalStateException(
        "this build has no sync engine yet: the core's embedded entry point is missing");
  }
}
