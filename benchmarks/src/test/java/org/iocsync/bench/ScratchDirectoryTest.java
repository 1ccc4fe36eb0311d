package org.iocsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirectoryTest {
  @Test
  void closingDeletesTheDirectoryWithEverythingInIt() throws Exception {
    Path path;
    try (ScratchDirectory scratch = ScratchDirectory.create("ioc-sync-scratch-test")) {
      path = scratch.path();
      Path state = Files.createDirectories(path.resolve("state").resolve("nested"));
      Files.writeString(state.resolve("ioc-sync.db"), "rows");
      Files.writeString(path.resolve("misp.key"), "secret");
      assertThat(path).isDirectory();
    }
    assertThat(path).doesNotExist();
  }
}
