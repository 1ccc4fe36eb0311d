package org.iocsync.core;

/** Stands for the process dying: an Error that nothing in the engine may catch. */
final class SimulatedCrash extends Error {
  SimulatedCrash(String where) {
    super("simulated crash " + where);
  }
}
