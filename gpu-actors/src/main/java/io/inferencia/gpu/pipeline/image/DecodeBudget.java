package io.inferencia.gpu.pipeline.image;

import io.inferencia.protocols.inference.InferenceException;

/**
 * The heap that decoded images may hold at once on this node. A 40-megapixel image is 120 MB of BGR
 * pixels (280 MB while a grey, palette or alpha source is converted), so with a heap sized for
 * serving (see "Memory" in the README) a few of them at once would end in an OutOfMemoryError,
 * which stops the whole node. An image whose pixels do not fit what is free now is refused with
 * RESOURCE_EXHAUSTED instead (429 / a job's retry with backoff); one that could never fit says so.
 */
public final class DecodeBudget {
  /** Half the heap: the rest is the node's own working set and the tensors of other requests. */
  public static final DecodeBudget HEAP = new DecodeBudget(Runtime.getRuntime().maxMemory() / 2);

  private final long capacity;
  private long reserved;

  public DecodeBudget(long capacityBytes) {
    if (capacityBytes <= 0) throw new IllegalArgumentException("capacity must be positive: " + capacityBytes);
    this.capacity = capacityBytes;
  }

  /** Reserves {@code bytes} for the pixels of an image of {@code width} x {@code height}, or refuses. */
  public Lease reserve(long bytes, long width, long height) {
    synchronized (this) {
      if (bytes <= capacity - reserved) {
        reserved += bytes;
        return new Lease(bytes);
      }
    }
    String size = width + "x" + height + " image needs " + mb(bytes) + " MB of heap to decode";
    if (bytes > capacity)
      throw InferenceException.exhausted("a " + size + ", more than this node's image budget of " + mb(capacity)
          + " MB (half its heap): give the node a larger heap (-Xmx) or lower INFERENCE_MAX_IMAGE_PIXELS");
    throw InferenceException.exhausted("a " + size + " and other images being decoded hold this node's image budget of "
        + mb(capacity) + " MB now; retry");
  }

  public synchronized long reservedBytes() {
    return reserved;
  }

  private synchronized void release(long bytes) {
    reserved -= bytes;
  }

  private static long mb(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  /** Gives its bytes back once; closing it again does nothing. */
  public final class Lease implements AutoCloseable {
    private long bytes;

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public void close() {
      long held;
      synchronized (this) {
        held = bytes;
        bytes = 0;
      }
      if (held > 0) release(held);
    }
  }
}
