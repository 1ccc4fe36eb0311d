package org.iocsync.core;

import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the sync engine reads indicators from: MISP, through an adapter of its client, or a fake in
 * tests.
 */
public interface IndicatorSource {
  /**
   * Streams every attribute matching {@code query}, page by page, so that memory stays bounded by
   * one page whatever the total. The same attribute may appear more than once. The caller closes
   * the stream.
   *
   * @throws SourceException when MISP cannot be read, from this call or from the stream
   */
  Stream<SourceAttribute> attributes(SourceQuery query);

  /**
   * The attribute types the server knows, for validating jobs.
   *
   * @throws SourceException when MISP cannot be read
   */
  Set<String> knownTypes();
}
