package io.inferencia.gpu.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Triton's response cache: the outputs of models with {@code response_cache { enable: true }}, kept by
 * a SHA-256 digest of the request's inputs and requested outputs, within one byte budget for the node.
 * A Caffeine cache weighed in bytes: eviction by W-TinyLFU (recency and frequency), lookups without a
 * lock. A digest, not a cheaper hash: one tenant must not be able to forge a collision and read
 * another's answer. Keys include the version's load generation, so a reloaded model never answers from
 * its predecessor's entries. Thread-safe: every batcher uses it.
 */
public final class ResponseCache {
  /** Per entry beyond the tensor bytes: key, lists, tensor headers. */
  private static final long ENTRY_OVERHEAD = 256;

  /** @param generation the version's load generation */
  public record Key(String model, String version, long generation, String digest) {}

  private record Entry(List<Tensor> outputs, int bytes) {}

  private final long maxBytes;
  private final Cache<Key, Entry> entries;

  public ResponseCache(long maxBytes) {
    if (maxBytes <= 0) throw new IllegalArgumentException("the response cache needs a positive size, got " + maxBytes);
    this.maxBytes = maxBytes;
    // Evictions run on the caller's thread (a batcher's), right after its write: no pool to size.
    this.entries = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, Entry e) -> e.bytes())
        .executor(Runnable::run)
        .build();
  }

  /** The key of a request to this loaded version: its inputs by name, with their types, shapes and data. */
  public static Key key(String model, String version, long generation, InferRequest request) {
    MessageDigest sha = sha256();
    ByteBuffer header = ByteBuffer.allocate(16);
    for (Tensor t : request.inputs().stream().sorted(Comparator.comparing(Tensor::name)).toList()) {
      text(sha, t.name());
      text(sha, t.datatype().wireName());
      header.clear().putInt(t.shape().length).putLong(t.data().length).flip();
      sha.update(header);
      for (long d : t.shape()) sha.update(ByteBuffer.allocate(8).putLong(d).flip());
      sha.update(t.data());
    }
    sha.update((byte) 0);
    for (String out : request.requestedOutputs().stream().sorted().toList()) text(sha, out);
    return new Key(model, version, generation, HexFormat.of().formatHex(sha.digest()));
  }

  public Optional<List<Tensor>> get(Key key) {
    Entry e = entries.getIfPresent(key);
    return e == null ? Optional.empty() : Optional.of(e.outputs());
  }

  /** Keeps {@code outputs} unless they alone exceed the budget; evicts others to fit. */
  public void put(Key key, List<Tensor> outputs) {
    long size = ENTRY_OVERHEAD;
    for (Tensor t : outputs) size += t.data().length + t.shape().length * 8L + ENTRY_OVERHEAD;
    if (size > maxBytes || size > Integer.MAX_VALUE) return;
    entries.put(key, new Entry(List.copyOf(outputs), (int) size));
  }

  /** Entries kept, once pending evictions have run. */
  public int size() {
    entries.cleanUp();
    return (int) entries.estimatedSize();
  }

  /** Bytes kept (by the entries' weights), once pending evictions have run. */
  public long bytes() {
    entries.cleanUp();
    return entries.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  /** A length before each string, so that ("ab", "c") and ("a", "bc") differ. */
  private static void text(MessageDigest sha, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(b.length).flip());
    sha.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
