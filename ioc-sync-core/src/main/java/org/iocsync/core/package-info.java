/** The reconciling sync engine of IOC Sync: mapping, jobs, the store and the scheduler. */
@NullMarked
package org.iocsync.core;

import org.jspecify.annotations.NullMarked;
