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
  void cpuSessionsDivideTheCoresAmongTheModelsOwnInstances() throws Exception {
    Devices eight = new Devices(List.of(Device.CPU), 8);
    Devices.Placement one = eight.place(config(""));
    assertEquals(1, one.instances());
    assertEquals(8, one.intraOpThreads());
    Devices.Placement three = eight.place(config("instance_group [ { count: 3 kind: KIND_CPU } ]"));
    assertEquals(3, three.instances());
    assertEquals(2, three.intraOpThreads());
    Devices.Placement many = eight.place(config("instance_group [ { count: 20 kind: KIND_CPU } ]"));
    assertEquals(1, many.intraOpThreads());
  }

  @Test
  void intraOpThreadCountParameterWins() throws Exception {
    Devices eight = new Devices(List.of(Device.CPU), 8);
    Devices.Placement p = eight.place(config("""
        instance_group [ { count: 2 kind: KIND_CPU } ]
        parameters { key: "intra_op_thread_count" value: { string_value: "3" } }
        """));
    assertEquals(2, p.instances());
    assertEquals(3, p.intraOpThreads());
  }

  @Test
  void perCoreLayoutRunsOneSingleThreadedSessionPerCore() throws Exception {
    Devices eight = new Devices(List.of(Device.CPU), 8);
    Devices.Placement p = eight.place(config("parameters { key: \"cpu_instances\" value: { string_value: \"per_core\" } }"));
    assertEquals(8, p.instances());
    assertEquals(1, p.intraOpThreads());
    Devices.Placement twoEach = eight.place(config("""
        parameters { key: "cpu_instances" value: { string_value: "per_core" } }
        parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
        """));
    assertEquals(4, twoEach.instances());
    assertEquals(2, twoEach.intraOpThreads());
  }

  @Test
  void gpuSessionsKeepTheConfiguredCount() throws Exception {
    Devices withGpu = new Devices(List.of(Device.CPU, Device.cuda(0)), 8);
    Devices.Placement p = withGpu.place(config("""
        instance_group [ { count: 2 kind: KIND_GPU } ]
        parameters { key: "cpu_instances" value: { string_value: "per_core" } }
        """));
    assertEquals(Device.cuda(0), p.device());
    assertEquals(2, p.instances());
    assertEquals(1, p.intraOpThreads());
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
