package io.inferencia.gpu.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.typesafe.config.Config;
import io.inferencia.protocols.modelconfig.ModelConfig;
import io.inferencia.protocols.modelconfig.ModelInstanceGroup;
import java.util.ArrayList;
import java.util.List;

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

  /** Reads {@code cuda-devices} (-1: from CUDA_VISIBLE_DEVICES, else one) and {@code cpu-cores} (0: all). */
  public static Devices detect(Config inference) {
    int cores = inference.getInt("cpu-cores");
    if (cores <= 0) cores = Runtime.getRuntime().availableProcessors();
    List<Device> devices = new ArrayList<>(List.of(Device.CPU));
    if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      int configured = inference.getInt("cuda-devices");
      int count = configured >= 0 ? configured : visibleCudaDevices(System.getenv("CUDA_VISIBLE_DEVICES"));
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
   * Where one model version runs and how its sessions are laid out. KIND_AUTO prefers a GPU; KIND_GPU
   * without CUDA falls back to the CPU with a note; the GPU is the first listed in {@code gpus}, else
   * one chosen by the model name's hash so models spread over devices. On the CPU see {@link CpuLayout}.
   */
  public Placement place(ModelConfig config) {
    ModelInstanceGroup group = config.getInstanceGroup(0);
    int count = config.getInstanceGroupList().stream().mapToInt(ModelInstanceGroup::getCount).sum();
    ModelInstanceGroup.Kind kind = group.getKind();
    boolean wantsGpu = kind == ModelInstanceGroup.Kind.KIND_GPU || kind == ModelInstanceGroup.Kind.KIND_AUTO;
    if (wantsGpu && hasCuda()) {
      int gpus = all.size() - 1;
      int id = group.getGpusCount() > 0 ? group.getGpus(0) : Math.floorMod(config.getName().hashCode(), gpus);
      if (id >= 0 && id < gpus) return new Placement(Device.cuda(id), count, CpuLayout.threadsOnGpu(config), "");
      return cpu(config, "GPU " + id + " does not exist; running on CPU");
    }
    return cpu(config,
        kind == ModelInstanceGroup.Kind.KIND_GPU ? "KIND_GPU requested but CUDA is not available; running on CPU" : "");
  }

  private Placement cpu(ModelConfig config, String note) {
    CpuLayout layout = CpuLayout.of(config, cpuCores);
    return new Placement(Device.CPU, layout.instances(), layout.threadsPerInstance(), note);
  }

  /** The chosen device, the number of instances (sessions), their intra-op threads and a note for the model's reason. */
  public record Placement(Device device, int instances, int intraOpThreads, String note) {}
}
