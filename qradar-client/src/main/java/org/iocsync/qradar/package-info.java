/**
 * A typed client for QRadar reference sets, through either of QRadar's two APIs: the legacy {@code
 * reference_data/sets} and the reference data collections of API 16.0 and later. Start at {@link
 * org.iocsync.qradar.QradarClient}.
 */
@NullMarked
package org.iocsync.qradar;

import org.jspecify.annotations.NullMarked;
