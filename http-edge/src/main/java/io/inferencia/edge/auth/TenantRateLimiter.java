package io.inferencia.edge.auth;

import com.typesafe.config.Config;
import io.inferencia.edge.api.ApiProblem;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;

/**
 * A token bucket per tenant on this edge node: {@code requests-per-second} refill, {@code burst}
 * capacity. A request finding the bucket empty is refused with 429 (RESOURCE_EXHAUSTED on gRPC) and
 * the seconds until a token is back. Buckets live per edge node, so a tenant's rate across the cluster
 * is this rate times the edges its traffic is spread over; that keeps the check a lock-free lookup
 * with no cross-node hop. Off when the rate is 0.
 */
public final class TenantRateLimiter {
  private final double perSecond;
  private final double burst;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  TenantRateLimiter(double perSecond, double burst) {
    if (perSecond < 0 || burst < 0) throw new IllegalArgumentException("rate and burst may not be negative");
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
  }

  static TenantRateLimiter fromConfig(Config limits) {
    return new TenantRateLimiter(limits.getDouble("requests-per-second"), limits.getDouble("burst"));
  }

  boolean enabled() {
    return perSecond > 0;
  }

  /** @throws ApiProblem 429 when the caller's tenant is over its rate */
  void admit(Principal caller) {
    if (!enabled()) return;
    String key = caller.tenant().orElse("subject:" + caller.subject());
    long waitNanos = buckets.computeIfAbsent(key, k -> new Bucket(burst)).take(perSecond, burst, System.nanoTime());
    if (waitNanos > 0) {
      Kamon.counter("inferencia.tenant.limited", "Requests refused by a tenant limit, by tenant and limit")
          .withTag("tenant", key).withTag("limit", "rate").increment();
      throw ApiProblem.tooManyRequests("rate-limited", "tenant '" + key + "' is over its limit of "
          + perSecond + " requests per second (burst " + (long) burst + ")", TimeUnit.NANOSECONDS.toSeconds(waitNanos) + 1);
    }
  }

  private static final class Bucket {
    private double tokens;
    private long at = System.nanoTime();

    Bucket(double tokens) {
      this.tokens = tokens;
    }

    /** Takes a token: 0, or the nanoseconds until one is available. */
    synchronized long take(double perSecond, double burst, long now) {
      tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) ((1 - tokens) / perSecond * 1e9);
    }
  }
}
