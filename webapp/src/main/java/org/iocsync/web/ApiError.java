package org.iocsync.web;

import java.util.Map;

/**
 * The JSON body of every failed API call.
 *
 * @param error what went wrong and how to fix it
 * @param fields for a validation failure, each bad field's name and what is wrong with it
 */
record ApiError(String error, Map<String, String> fields) {
  ApiError {
    fields = Map.copyOf(fields);
  }

  ApiError(String error) {
    this(error, Map.of());
  }
}
