/** End-to-end benchmarks of IOC Sync, each run in a JVM of its own. */
@NullMarked
package org.iocsync.bench;

import org.jspecify.annotations.NullMarked;
