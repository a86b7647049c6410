package io.inferencia.edge.shm;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered system shared memory region: {@code byteSize} bytes of a shared memory object from
 * {@code offset}, mapped read-write. Reads and writes are absolute bulk copies, so any number of
 * requests use one region at once. Unregistering unmaps it once the last copy in progress is done:
 * the mapping is released at once (not whenever the collector gets to it), and never under a copy.
 */
final class SystemRegion {
  final String name;
  final String key;
  final long offset;
  final long byteSize;
  private final MappedByteBuffer buffer;
  private final AtomicInteger users = new AtomicInteger();
  private final AtomicBoolean unmapped = new AtomicBoolean();
  private volatile boolean closed;

  private SystemRegion(String name, String key, long offset, long byteSize, MappedByteBuffer buffer) {
    this.name = name;
    this.key = key;
    this.offset = offset;
    this.byteSize = byteSize;
    this.buffer = buffer;
  }

  /** Opens and maps the object's file (blocking: call it on a blocking dispatcher). */
  static SystemRegion map(String name, String key, Path file, long offset, long byteSize) {
    if (offset < 0) throw invalid("shared memory region '" + name + "': offset must not be negative, got " + offset);
    if (byteSize <= 0) throw invalid("shared memory region '" + name + "': byte_size must be positive, got " + byteSize);
    // One Java mapping holds at most 2 GiB; a request body is far smaller anyway.
    if (byteSize > Integer.MAX_VALUE)
      throw invalid("shared memory region '" + name + "': byte_size " + byteSize + " is over the limit of "
          + Integer.MAX_VALUE + " bytes");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = channel.size();
      // Mapping past the end would grow the client's object; refuse instead.
      if (offset > size - byteSize)
        throw invalid("shared memory region '" + name + "': offset " + offset + " + byte_size " + byteSize
            + " is beyond the " + size + " bytes of shared memory object '" + key + "'");
      return new SystemRegion(name, key, offset, byteSize, channel.map(FileChannel.MapMode.READ_WRITE, offset, byteSize));
    } catch (NoSuchFileException e) {
      throw invalid("shared memory region '" + name + "': no shared memory object '" + key + "' exists");
    } catch (AccessDeniedException e) {
      throw new InferenceException(ErrorKind.PERMISSION_DENIED,
          "shared memory region '" + name + "': the server may not open shared memory object '" + key + "' for reading and writing");
    } catch (IOException e) {
      throw invalid("shared memory region '" + name + "': cannot map shared memory object '" + key + "': " + e.getMessage());
    }
  }

  /** Copies {@code length} bytes from {@code at} (an offset within the region, already bounds-checked). */
  byte[] read(long at, int length) {
    acquire();
    try {
      byte[] out = new byte[length];
      buffer.get((int) at, out, 0, length);
      return out;
    } finally {
      release();
    }
  }

  /** Copies {@code data} to {@code at} (an offset within the region, already bounds-checked). */
  void write(long at, byte[] data) {
    acquire();
    try {
      buffer.put((int) at, data, 0, data.length);
    } finally {
      release();
    }
  }

  /** No new copies start; the mapping goes when the running ones end. */
  void close() {
    closed = true;
    if (users.get() == 0) unmap();
  }

  private void acquire() {
    users.incrementAndGet();
    if (closed) {
      release();
      throw invalid("shared memory region '" + name + "' was unregistered while a request used it");
    }
  }

  private void release() {
    if (users.decrementAndGet() == 0 && closed) unmap();
  }

  private void unmap() {
    if (unmapped.compareAndSet(false, true)) Unmapper.unmap(buffer);
  }
}
