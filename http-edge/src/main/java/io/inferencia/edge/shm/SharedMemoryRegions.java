package io.inferencia.edge.shm;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import com.typesafe.config.Config;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's registered system shared memory regions (Triton's system shared memory extension), one
 * registry per actor system so REST and gRPC see the same regions. Regions are node-local, as shared
 * memory is: a client registers with the node on its own host. Mapping a region opens a file, so it
 * runs on {@code edge.blocking-dispatcher}; copies to and from a mapped region are plain memory copies.
 */
public final class SharedMemoryRegions implements Extension {
  private static final Id ID = new Id();

  private static final String OFF =
      "client shared memory is off on this server (edge.shared-memory.allow-client, EDGE_ALLOW_CLIENT_SHM)";

  /** Why tensors may not use shared memory here; null when they may. */
  private final String refusal;
  private final Path directory;
  private final Executor blocking;
  private final Map<String, SystemRegion> regions = new ConcurrentHashMap<>();

  private SharedMemoryRegions(String refusal, Path directory, Executor blocking) {
    this.refusal = refusal;
    this.directory = directory;
    this.blocking = blocking;
  }

  /** A registry that holds no regions and refuses every use with {@code why} (e.g. in stored job documents). */
  public static SharedMemoryRegions refusing(String why) {
    return new SharedMemoryRegions(why, Path.of("."), Runnable::run);
  }

  public static SharedMemoryRegions get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** Maps {@code byteSize} bytes of object {@code key} from {@code offset} under {@code name}. */
  public CompletionStage<Void> register(String name, String key, long offset, long byteSize) {
    try {
      checkAllowed();
      if (name.isEmpty()) throw invalid("a shared memory region needs a name");
      if (regions.containsKey(name)) throw exists(name);
      Path file = ShmKey.file(directory, key);
      return CompletableFuture.supplyAsync(() -> SystemRegion.map(name, key, file, offset, byteSize), blocking)
          .thenAccept(region -> {
            if (regions.putIfAbsent(name, region) != null) {
              region.close();
              throw exists(name);
            }
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Every region by name ({@code name} empty), or the one named. */
  public List<RegionStatus> status(String name) {
    if (name.isEmpty())
      return regions.values().stream().map(SharedMemoryRegions::status)
          .sorted(Comparator.comparing(RegionStatus::name)).toList();
    SystemRegion region = regions.get(name);
    if (region == null)
      throw new InferenceException(ErrorKind.NOT_FOUND, "no shared memory region '" + name + "' is registered");
    return List.of(status(region));
  }

  /** Unregisters one region, or all when {@code name} is empty; an unknown name is already gone. */
  public void unregister(String name) {
    if (name.isEmpty()) {
      regions.keySet().forEach(this::unregister);
      return;
    }
    SystemRegion region = regions.remove(name);
    if (region != null) region.close();
  }

  /** Resolves a tensor's parameters against the registered regions; {@code tensor} names it in errors. */
  public ShmSlice slice(ShmRef ref, String tensor) {
    checkAllowed();
    SystemRegion region = regions.get(ref.region());
    if (region == null)
      throw invalid(tensor + ": no shared memory region '" + ref.region() + "' is registered");
    if (ref.offset() > region.byteSize - ref.byteSize())
      throw invalid(tensor + ": " + ShmRef.OFFSET + " " + ref.offset() + " + " + ShmRef.BYTE_SIZE + " " + ref.byteSize()
          + " is beyond the " + region.byteSize + " bytes of shared memory region '" + ref.region() + "'");
    return new ShmSlice(region, tensor, ref.offset(), ref.byteSize());
  }

  private void checkAllowed() {
    if (refusal != null) throw new InferenceException(ErrorKind.PERMISSION_DENIED, refusal);
  }

  private static InferenceException exists(String name) {
    return new InferenceException(ErrorKind.ALREADY_EXISTS, "shared memory region '" + name + "' is already registered");
  }

  private static RegionStatus status(SystemRegion r) {
    return new RegionStatus(r.name, r.key, r.offset, r.byteSize);
  }

  private static final class Id extends ExtensionId<SharedMemoryRegions> {
    @Override
    public SharedMemoryRegions createExtension(ActorSystem<?> system) {
      Config c = system.settings().config().getConfig("edge.shared-memory");
      Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("edge.blocking-dispatcher"));
      return new SharedMemoryRegions(c.getBoolean("allow-client") ? null : OFF, Path.of(c.getString("directory")), blocking);
    }
  }
}
