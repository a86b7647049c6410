package io.inferencia.edge.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.edge.testkit.ShmObject;
import io.inferencia.protocols.inference.InferenceException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A mapped region of a real /dev/shm object: copies, bounds, and unmapping under concurrent use. */
class SystemRegionTest {

  @Test
  void readsAndWritesTheObjectWithoutGrowingIt() throws Exception {
    try (ShmObject obj = ShmObject.create(64)) {
      obj.put(8, new byte[] {1, 2, 3});
      SystemRegion region = SystemRegion.map("r", obj.key, obj.file, 8, 16);
      assertArrayEquals(new byte[] {1, 2, 3}, region.read(0, 3));
      region.write(4, new byte[] {9, 9});
      assertEquals(9, Files.readAllBytes(obj.file)[12]);
      assertEquals(64, Files.size(obj.file));
      InferenceException beyond = assertThrows(InferenceException.class,
          () -> SystemRegion.map("r", obj.key, obj.file, 60, 16));
      assertEquals("shared memory region 'r': offset 60 + byte_size 16 is beyond the 64 bytes of shared memory object '"
          + obj.key + "'", beyond.getMessage());
      assertEquals(64, Files.size(obj.file), "a refused mapping leaves the object as it was");
      assertTrue(mapped(obj), "the region is mapped into this process");
      region.close();
      assertTrue(!mapped(obj), "closing unmaps at once, without waiting for the collector");
    }
  }

  private static boolean mapped(ShmObject obj) throws java.io.IOException {
    return Files.readString(java.nio.file.Path.of("/proc/self/maps")).contains(obj.file.toString());
  }

  @Test
  void closingWhileReadersCopyNeverHandsOutFreedMemory() throws Exception {
    try (ShmObject obj = ShmObject.create(1 << 20)) {
      byte[] pattern = new byte[1 << 20];
      for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i * 31);
      obj.put(0, pattern);
      for (int round = 0; round < 20; round++) {
        SystemRegion region = SystemRegion.map("r", obj.key, obj.file, 0, pattern.length);
        AtomicInteger refused = new AtomicInteger();
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(4);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Thread reader = new Thread(() -> {
            started.countDown();
            while (true) {
              try {
                if (!java.util.Arrays.equals(pattern, region.read(0, pattern.length)))
                  wrong.compareAndSet(null, new AssertionError("read other bytes than the object holds"));
              } catch (InferenceException e) {
                refused.incrementAndGet();
                return;
              } catch (Throwable e) {
                wrong.compareAndSet(null, e);
                return;
              }
            }
          });
          reader.start();
          readers.add(reader);
        }
        started.await();
        region.close();
        for (Thread reader : readers) reader.join(10_000);
        if (wrong.get() != null) throw new AssertionError(wrong.get());
        assertEquals(4, refused.get(), "every reader is refused once the region is closed");
      }
      assertTrue(Files.exists(obj.file), "closing a region leaves the client's object in place");
    }
  }
}
