/**
 * In-process fakes of MISP and IBM QRadar for tests, benchmarks and demos.
 *
 * <p>{@link org.iocsync.testkit.FakeMisp} and {@link org.iocsync.testkit.FakeQradar} serve the REST
 * endpoints IOC Sync uses on 127.0.0.1, answer with the JSON the real servers send, let tests
 * change their data, and inject faults through {@link org.iocsync.testkit.Faults}.
 *
 * <p>For the answers no fake server gives, {@link org.iocsync.testkit.Damage} makes seeded damaged
 * copies of a real answer, {@link org.iocsync.testkit.GeneratedBody} streams bodies far beyond a
 * client's size limit through MockWebServer, and {@link org.iocsync.testkit.SlowServer} trickles or
 * withholds answers on a raw socket.
 */
@NullMarked
package org.iocsync.testkit;

import org.jspecify.annotations.NullMarked;
