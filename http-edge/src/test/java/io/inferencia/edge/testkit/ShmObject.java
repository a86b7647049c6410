package io.inferencia.edge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A POSIX shared memory object as a client makes one (shm_open, ftruncate): a file under /dev/shm,
 * written and read the way a client on the same host does, removed at close.
 */
public final class ShmObject implements AutoCloseable {
  public final String key;
  public final Path file;

  private ShmObject(String key, Path file) {
    this.key = key;
    this.file = file;
  }

  public static ShmObject create(int bytes) throws IOException {
    String name = "inferencia-test-" + UUID.randomUUID();
    Path file = Path.of("/dev/shm", name);
    Files.write(file, new byte[bytes]);
    return new ShmObject("/" + name, file);
  }

  public void putFloats(int offset, float... values) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i++) b.putFloat(offset + 4 * i, values[i]);
    Files.write(file, all);
  }

  public float[] floats(int offset, int count) {
    try {
      ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[count];
      for (int i = 0; i < count; i++) out[i] = b.getFloat(offset + 4 * i);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void put(int offset, byte[] bytes) throws IOException {
    byte[] all = Files.readAllBytes(file);
    System.arraycopy(bytes, 0, all, offset, bytes.length);
    Files.write(file, all);
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
