package org.iocsync.qradar;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The reference sets of one QRadar server, named as in the console. Every method talks to the
 * server and throws a {@link QradarException} subtype when it refuses or cannot be reached.
 *
 * <p>Only sets in QRadar's shared namespace are handled: tenant sets are out of reach.
 */
public interface ReferenceSets {

  /** Lists every reference set, without values, reading the list page by page. */
  List<ReferenceSetInfo> list();

  /** Returns a set's metadata, never its values, or empty when no set has that name. */
  Optional<ReferenceSetInfo> find(String name);

  /**
   * Creates a set.
   *
   * @throws ReferenceSetExistsException if a set of that name exists already
   * @throws ValueRejectedException if QRadar refuses the specification, such as an element type the
   *     server's version does not offer
   */
  ReferenceSetInfo create(NewReferenceSet spec);

  /**
   * Streams a set's values page by page, each page fetched when the previous one is used up, so
   * memory holds one page whatever the set's size. The first page is read before this returns;
   * closing the stream stops the reading. A set that changes while it is read may show a value
   * twice or miss one.
   *
   * @throws ReferenceSetNotFoundException if no set has that name
   */
  Stream<ReferenceSetEntry> entries(String name);

  /**
   * Adds values in batches and reports, batch by batch, which values QRadar accepted and which it
   * refused and why. Adding a value the set holds already is harmless.
   *
   * <p>When a batch fails as a whole (the server is down, a task does not finish in time, ...), the
   * exception's {@link QradarException#completedWrites()} holds what QRadar accepted before it;
   * values of the failed batch count as not written, although QRadar may have stored them.
   *
   * @throws ReferenceSetNotFoundException if no set has that name
   */
  BulkWriteResult add(String name, Collection<String> values);

  /**
   * Answers which of {@code values} the set holds, without reading the set: the collections API,
   * and the legacy API of a server that offers the collections API too (16.0 and later), ask QRadar
   * with {@code value in (...)} filters of a few kilobytes each. The legacy API of an older server
   * has no such question, and there the set is read page by page. A set of element type {@code
   * ALNIC} ignores case: a value counts as held in whatever case it was asked.
   *
   * @return the values held, spelt as given
   * @throws ReferenceSetNotFoundException if no set has that name
   * @throws QradarMalformedResponseException if the server ignored the filter (its answer holds
   *     values not asked for)
   */
  Set<String> present(String name, Collection<String> values);

  /**
   * Removes one value.
   *
   * @return true if the set held the value, false if it did not
   * @throws ReferenceSetNotFoundException if no set has that name
   */
  boolean remove(String name, String value);

  /**
   * Removes values, a few requests at once. The collections API finds the entries of many values
   * with one filtered query and deletes them by id; the legacy API deletes value by value. A value
   * the set does not hold, or one that vanishes meanwhile, is no error.
   *
   * <p>Removing a value is repeatable, so a batch that failed may be sent again whole. The
   * exception's {@link QradarException#completedWrites()} holds, as accepted, the values removed
   * before the failure; requests under way when it happened end before it is thrown.
   *
   * @return the values the set held and no longer holds, spelt as given
   * @throws ReferenceSetNotFoundException if no set has that name
   * @throws QradarMalformedResponseException if the server ignored the lookup's filter: then
   *     nothing is deleted
   */
  List<String> removeAll(String name, Collection<String> values);

  /**
   * Removes every value and keeps the set, waiting for QRadar's task to end.
   *
   * @throws ReferenceSetNotFoundException if no set has that name
   * @throws QradarTaskException if the task fails or does not end before the client's deadline
   */
  void purge(String name);

  /**
   * Deletes a set and its values, waiting for QRadar's task to end.
   *
   * @throws ReferenceSetNotFoundException if no set has that name
   * @throws QradarTaskException if the task fails or does not end before the client's deadline
   */
  void delete(String name);
}
