package org.iocsync.qradar;

import org.jspecify.annotations.Nullable;

/**
 * A value QRadar refused to add, and why.
 *
 * @param value the value as it was sent
 * @param reason QRadar's explanation
 * @param qradarCode QRadar's code for the refusal (such as 1005); null when it gave none
 */
public record RejectedValue(String value, String reason, @Nullable Integer qradarCode) {}
