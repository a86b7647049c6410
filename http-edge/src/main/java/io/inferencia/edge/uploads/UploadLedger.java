package io.inferencia.edge.uploads;

import io.inferencia.edge.api.ApiProblem;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kamon.Kamon;

/**
 * The bytes each tenant has in uploads not yet finished, on this edge node
 * ({@code api.limits.max-upload-bytes-in-flight}, 0: no limit). An upload counts from its creation
 * until it is completed, aborted or used as a job's input, or until nothing more can arrive for it
 * (its URL's life for a single PUT, the upload session's for a multipart one). A creation that would
 * pass the cap is refused with 429 and the seconds until the oldest reservation lapses at the latest.
 * Kept in memory per node: the edge never sees the bytes, only the declarations.
 */
public final class UploadLedger {
  private final long maxBytes;
  private final Map<String, Map<String, Reservation>> byTenant = new HashMap<>(); // guarded by this

  private record Reservation(long bytes, long expiresAtNanos) {}

  public UploadLedger(long maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("max-upload-bytes-in-flight may not be negative");
    this.maxBytes = maxBytes;
  }

  public static UploadLedger unlimited() {
    return new UploadLedger(0);
  }

  /** @throws ApiProblem 429 when {@code bytes} more would pass the tenant's cap */
  public synchronized void reserve(String tenant, String key, long bytes, Duration lifetime) {
    if (maxBytes == 0) return;
    long now = System.nanoTime();
    Map<String, Reservation> open = byTenant.computeIfAbsent(tenant, t -> new HashMap<>());
    open.values().removeIf(r -> r.expiresAtNanos() <= now);
    long used = open.values().stream().mapToLong(Reservation::bytes).sum();
    if (used + bytes > maxBytes) {
      Kamon.counter("inferencia.tenant.limited", "Requests refused by a tenant limit, by tenant and limit")
          .withTag("tenant", tenant).withTag("limit", "upload-bytes").increment();
      long soonest = open.values().stream().mapToLong(Reservation::expiresAtNanos).min().orElse(now);
      throw ApiProblem.tooManyRequests("too-many-upload-bytes", "tenant '" + tenant + "' has " + used
          + " bytes in unfinished uploads; with " + bytes + " more it would pass its limit of " + maxBytes
          + " (complete or abort uploads first)", Math.max(1, Duration.ofNanos(soonest - now).toSeconds()));
    }
    open.put(key, new Reservation(bytes, now + lifetime.toNanos()));
  }

  /** The upload under {@code key} is finished (completed, aborted or taken by a job). */
  public synchronized void release(String tenant, String key) {
    Map<String, Reservation> open = byTenant.get(tenant);
    if (open == null) return;
    open.remove(key);
    if (open.isEmpty()) byTenant.remove(tenant);
  }
}
