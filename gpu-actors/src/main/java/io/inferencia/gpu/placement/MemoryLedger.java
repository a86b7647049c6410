package io.inferencia.gpu.placement;

import io.inferencia.protocols.placement.DeviceBudget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memory of a node's devices and what each replica placed there takes, so that no device is ever
 * overcommitted: a replica is charged on each of its devices from before its load starts until it has
 * unloaded. Keyed by any replica identity {@code K}. Not thread-safe: one owner (the repository manager).
 */
public final class MemoryLedger<K> {
  private record Charge(List<String> devices, long bytes) {}

  /** A loaded replica that could make room, as the eviction choice sees it. */
  public record Candidate<K>(K key, List<String> devices, long lastUsedNanos, boolean evictable) {}

  private final long budgetPerDevice;
  private final Map<String, Long> used = new LinkedHashMap<>();
  private final Map<K, Charge> charges = new HashMap<>();

  /** @param budgetPerDevice bytes each device may hold, 0 for no limit */
  public MemoryLedger(List<String> devices, long budgetPerDevice) {
    this.budgetPerDevice = budgetPerDevice;
    devices.forEach(d -> used.put(d, 0L));
  }

  public boolean limited() {
    return budgetPerDevice > 0;
  }

  public long budget() {
    return budgetPerDevice;
  }

  /** Whether {@code bytes} more fit on every one of {@code devices}. */
  public boolean fits(List<String> devices, long bytes) {
    if (!limited()) return true;
    return devices.stream().allMatch(d -> used.getOrDefault(d, 0L) + bytes <= budgetPerDevice);
  }

  /** Whether {@code bytes} fit on an empty device at all. */
  public boolean everFits(long bytes) {
    return !limited() || bytes <= budgetPerDevice;
  }

  /** Charges (or re-charges, with a measured size) a replica. */
  public void charge(K key, List<String> devices, long bytes) {
    release(key);
    charges.put(key, new Charge(List.copyOf(devices), bytes));
    devices.forEach(d -> used.merge(d, bytes, Long::sum));
  }

  public void release(K key) {
    Charge c = charges.remove(key);
    if (c != null) c.devices().forEach(d -> used.merge(d, -c.bytes(), Long::sum));
  }

  public boolean charged(K key) {
    return charges.containsKey(key);
  }

  public long used(String device) {
    return used.getOrDefault(device, 0L);
  }

  /**
   * The least recently used evictable replicas whose unloading makes {@code bytes} fit on {@code
   * devices}, counting what {@code freeing} (replicas already unloading) will give back; empty when
   * even evicting every evictable replica would not make room.
   */
  public Optional<List<K>> makeRoom(List<String> devices, long bytes, List<Candidate<K>> candidates, List<K> freeing) {
    if (!limited()) return Optional.of(List.of());
    Map<String, Long> after = new HashMap<>(used);
    for (K k : freeing) subtract(after, k);
    List<Candidate<K>> lru = new ArrayList<>(candidates.stream()
        .filter(Candidate::evictable)
        .filter(c -> c.devices().stream().anyMatch(devices::contains))
        .toList());
    lru.sort(Comparator.comparingLong(Candidate::lastUsedNanos));
    List<K> chosen = new ArrayList<>();
    for (Candidate<K> c : lru) {
      if (fitsIn(after, devices, bytes)) break;
      subtract(after, c.key());
      chosen.add(c.key());
    }
    return fitsIn(after, devices, bytes) ? Optional.of(chosen) : Optional.empty();
  }

  private void subtract(Map<String, Long> after, K key) {
    Charge c = charges.get(key);
    if (c != null) c.devices().forEach(d -> after.merge(d, -c.bytes(), Long::sum));
  }

  private boolean fitsIn(Map<String, Long> after, List<String> devices, long bytes) {
    return devices.stream().allMatch(d -> after.getOrDefault(d, 0L) + bytes <= budgetPerDevice);
  }

  /** Each device's budget, use and replica count. */
  public List<DeviceBudget> budgets() {
    List<DeviceBudget> out = new ArrayList<>();
    used.forEach((device, bytes) -> out.add(new DeviceBudget(device, budgetPerDevice, bytes,
        (int) charges.values().stream().filter(c -> c.devices().contains(device)).count())));
    return out;
  }
}
