package io.inferencia.gpu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {
  private static final String BODY = """
      max_batch_size: 4
      input [ { name: "x" data_type: TYPE_FP32 dims: [ 3 ] } ]
      output [ { name: "y" data_type: TYPE_FP32 dims: [ 2 ] } ]
      """;

  @Test
  void gpuRequestWithoutCudaFallsBackToCpuWithANote() throws Exception {
    Devices cpuOnly = new Devices(List.of(Device.CPU), 2);
    Devices.Placement p = cpuOnly.place(config("instance_group [ { count: 2 kind: KIND_GPU } ]"));
    assertEquals(Device.CPU, p.device());
    assertEquals(2, p.instances());
    assertTrue(p.note().contains("CUDA is not available"), p.note());
    assertEquals("", cpuOnly.place(config("")).note());
  }

  @Test
  void autoPrefersTheGpuAndHonoursListedGpus() throws Exception {
    Devices withGpus = new Devices(List.of(Device.CPU, Device.cuda(0), Device.cuda(1)), 16);
    assertEquals(Device.Kind.CUDA, withGpus.place(config("")).device().kind());
    assertEquals(Device.cuda(1), withGpus.place(config("instance_group [ { kind: KIND_GPU gpus: [ 1 ] } ]")).device());
    assertEquals(Device.CPU, withGpus.place(config("instance_group [ { kind: KIND_CPU } ]")).device());
  }

  @Test
  void intraOpThreadsShareTheCores() {
    Devices devices = new Devices(List.of(Device.CPU), 8);
    assertEquals(2, devices.intraOpThreads(4));
    assertEquals(1, devices.intraOpThreads(20));
    assertEquals(8, devices.intraOpThreads(0));
  }

  @Test
  void visibleCudaDevicesCount() {
    assertEquals(1, Devices.visibleCudaDevices(null));
    assertEquals(2, Devices.visibleCudaDevices("0,3"));
    assertEquals(0, Devices.visibleCudaDevices("-1"));
  }

  private static ModelConfig config(String extra) throws Exception {
    return ModelConfigParser.parse(BODY + extra, "m");
  }
}
