package org.iocsync.web;

import java.io.PrintStream;
import java.util.Map;

/**
 * What a command talks to: its output (results only, such as the JSON summary), its error stream
 * (messages and logs) and the environment it reads secrets and QRadar's variables from.
 */
record Console(
    PrintStream out, PrintStream err, Map<String, String> env, JobRunner.Factory runners) {
  Console {
    env = Map.copyOf(env);
  }
}
