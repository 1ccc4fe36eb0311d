package org.iocsync.qradar;

/** Which of QRadar's two reference data APIs a client uses. */
public enum ReferenceApi {
  /**
   * The collections API when the API version is 16.0 or later, the legacy API before: the choice is
   * made once the version is known.
   */
  AUTO,
  /**
   * {@code /api/reference_data/sets}: offered by every version this client knows, deprecated from
   * API 20.0. Its bulk load accepts or refuses a batch as a whole.
   */
  LEGACY,
  /**
   * {@code /api/reference_data_collections}: API 16.0 and later. Bulk writes run as server tasks
   * and report on every value.
   */
  COLLECTIONS
}
