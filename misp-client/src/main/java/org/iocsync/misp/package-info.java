/**
 * A typed, streaming client for the MISP REST API. Start at {@link org.iocsync.misp.MispClient}.
 */
@NullMarked
package org.iocsync.misp;

import org.jspecify.annotations.NullMarked;
