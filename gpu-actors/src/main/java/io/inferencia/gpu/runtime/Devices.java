package io.inferencia.gpu.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.typesafe.config.Config;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInstanceGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The devices of this node and where a model's instances go. The CPU is always present; CUDA devices
 * only when the CUDA execution provider is in the ONNX Runtime build (the {@code -Pgpu} profile).
 */
public final class Devices {
  private final List<Device> all;
  private final int cpuCores;

  public Devices(List<Device> all, int cpuCores) {
    this.all = List.copyOf(all);
    this.cpuCores = cpuCores;
  }

  /** Reads {@code cuda-devices} (-1: from {@code cuda-visible-devices}, else one) and {@code cpu-cores} (0: all). */
  public static Devices detect(Config inference) {
    int cores = inference.getInt("cpu-cores");
    if (cores <= 0) cores = Runtime.getRuntime().availableProcessors();
    List<Device> devices = new ArrayList<>(List.of(Device.CPU));
    if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      int configured = inference.getInt("cuda-devices");
      int count = configured >= 0 ? configured : visibleCudaDevices(inference.getString("cuda-visible-devices"));
      for (int i = 0; i < count; i++) devices.add(Device.cuda(i));
    }
    return new Devices(devices, cores);
  }

  static int visibleCudaDevices(String env) {
    if (env == null || env.isBlank()) return 1;
    if (env.trim().equals("-1") || env.trim().equalsIgnoreCase("none")) return 0;
    return env.split(",").length;
  }

  public List<Device> all() {
    return all;
  }

  public int cpuCores() {
    return cpuCores;
  }

  public boolean hasCuda() {
    return all.size() > 1;
  }

  /**
   * Where one model version's sessions go, one placement per device, as Triton places instance groups:
   * each group puts {@code count} sessions on the CPU (KIND_CPU) or on each GPU it lists, every GPU
   * when it lists none (KIND_GPU, and KIND_AUTO where CUDA is present; KIND_AUTO without CUDA is the
   * CPU). Groups on one device add up. KIND_GPU without CUDA falls back to the CPU with a note, so a
   * config written for a GPU node still serves on a laptop. On the CPU see {@link CpuLayout}.
   *
   * @throws IllegalArgumentException for a listed GPU this node does not have
   */
  public List<Placement> place(ModelConfig config) {
    Map<Device, Integer> counts = new LinkedHashMap<>();
    int gpus = all.size() - 1;
    String cpuNote = "";
    for (ModelInstanceGroup group : config.getInstanceGroupList()) {
      ModelInstanceGroup.Kind kind = group.getKind();
      boolean onGpu = kind == ModelInstanceGroup.Kind.KIND_GPU || (kind == ModelInstanceGroup.Kind.KIND_AUTO && hasCuda());
      if (onGpu && !hasCuda()) cpuNote = "KIND_GPU requested but CUDA is not available; running on CPU";
      if (!onGpu || !hasCuda()) {
        counts.merge(Device.CPU, group.getCount(), Integer::sum);
        continue;
      }
      List<Integer> ids = group.getGpusCount() > 0 ? group.getGpusList() : IntStream.range(0, gpus).boxed().toList();
      for (int id : ids) {
        if (id >= gpus)
          throw new IllegalArgumentException("instance_group lists GPU " + id + " but this node has " + gpus
              + (gpus == 1 ? " GPU (id 0)" : " GPUs (ids 0.." + (gpus - 1) + ")"));
        counts.merge(Device.cuda(id), group.getCount(), Integer::sum);
      }
    }
    List<Placement> placements = new ArrayList<>(counts.size());
    for (Map.Entry<Device, Integer> e : counts.entrySet()) {
      if (e.getKey().equals(Device.CPU)) {
        CpuLayout layout = CpuLayout.of(config, cpuCores, e.getValue());
        placements.add(new Placement(Device.CPU, layout.instances(), layout.threadsPerInstance(), cpuNote));
      } else {
        placements.add(new Placement(e.getKey(), e.getValue(), CpuLayout.threadsOnGpu(config), ""));
      }
    }
    return placements;
  }

  /** One device, its number of instances (sessions), their intra-op threads and a note for the model's reason. */
  public record Placement(Device device, int instances, int intraOpThreads, String note) {}
}
