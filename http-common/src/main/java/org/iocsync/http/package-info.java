/** Transport settings shared by the IOC Sync clients: TLS, proxy, time-outs and logging. */
@NullMarked
package org.iocsync.http;

import org.jspecify.annotations.NullMarked;
