package io.inferencia.gpu.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerMemoryTest {
  @Test
  void readsCgroupV2Limit(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("memory.max"), "8589934592\n");
    assertEquals(8L << 30, ContainerMemory.limitBytes(root));
  }

  @Test
  void readsCgroupV1LimitWhenThereIsNoV2(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("memory"));
    Files.writeString(root.resolve("memory/memory.limit_in_bytes"), "2147483648\n");
    assertEquals(2L << 30, ContainerMemory.limitBytes(root));
  }

  @Test
  void noLimitMeansThePhysicalMemory(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("memory.max"), "max\n");
    long physical = ContainerMemory.limitBytes(root);
    assertTrue(physical > 256L << 20, physical + " bytes");
    Files.delete(root.resolve("memory.max"));
    Files.createDirectories(root.resolve("memory"));
    Files.writeString(root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    assertEquals(physical, ContainerMemory.limitBytes(root));
  }
}
