package io.inferencia.gpu.cache;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Triton's response cache: the outputs of models with {@code response_cache { enable: true }}, kept by
 * a SHA-256 digest of the request's inputs and requested outputs, least recently used out first,
 * within one byte budget for the node. A digest, not a cheaper hash: one tenant must not be able to
 * forge a collision and read another's answer. Keys include the version's load generation, so a
 * reloaded model never answers from its predecessor's entries. Thread-safe: every batcher uses it.
 */
public final class ResponseCache {
  /** Per entry beyond the tensor bytes: key, lists, tensor headers. */
  private static final long ENTRY_OVERHEAD = 256;

  /** @param generation the version's load generation */
  public record Key(String model, String version, long generation, String digest) {}

  private record Entry(List<Tensor> outputs, long bytes) {}

  private final long maxBytes;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  public ResponseCache(long maxBytes) {
    if (maxBytes <= 0) throw new IllegalArgumentException("the response cache needs a positive size, got " + maxBytes);
    this.maxBytes = maxBytes;
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

  public synchronized Optional<List<Tensor>> get(Key key) {
    Entry e = entries.get(key);
    return e == null ? Optional.empty() : Optional.of(e.outputs());
  }

  /** Keeps {@code outputs} unless they alone exceed the budget; evicts the least recently used to fit. */
  public synchronized void put(Key key, List<Tensor> outputs) {
    long size = ENTRY_OVERHEAD;
    for (Tensor t : outputs) size += t.data().length + t.shape().length * 8L + ENTRY_OVERHEAD;
    if (size > maxBytes) return;
    Entry old = entries.remove(key);
    if (old != null) bytes -= old.bytes();
    entries.put(key, new Entry(List.copyOf(outputs), size));
    bytes += size;
    var eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().bytes();
      eldest.remove();
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized long bytes() {
    return bytes;
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
