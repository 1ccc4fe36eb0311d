/**
 * The IOC Sync application: the {@code ioc-sync} command line, the web UI and its JSON API, wired
 * with Dagger.
 */
@NullMarked
package org.iocsync.web;

import org.jspecify.annotations.NullMarked;
