package io.inferencia.gpu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.repository.ModelConfigParser;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.modelconfig.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevicesTest {
  private static final String BODY = TestModels.minimalConfig(4);

  @Test
  void gpuRequestWithoutCudaFallsBackToCpuWithANote() throws Exception {
    Devices cpuOnly = new Devices(List.of(Device.CPU), 2);
    Devices.Placement p = only(cpuOnly.place(config("instance_group [ { count: 2 kind: KIND_GPU } ]")));
    assertEquals(Device.CPU, p.device());
    assertEquals(2, p.instances());
    assertTrue(p.note().contains("CUDA is not available"), p.note());
    assertEquals("", only(cpuOnly.place(config(""))).note());
  }

  @Test
  void autoPrefersTheGpuAndHonoursListedGpus() throws Exception {
    Devices withGpus = new Devices(List.of(Device.CPU, Device.cuda(0), Device.cuda(1)), 16);
    assertEquals(Device.cuda(0), only(new Devices(List.of(Device.CPU, Device.cuda(0)), 16).place(config(""))).device());
    assertEquals(Device.cuda(1), only(withGpus.place(config("instance_group [ { kind: KIND_GPU gpus: [ 1 ] } ]"))).device());
    assertEquals(Device.CPU, only(withGpus.place(config("instance_group [ { kind: KIND_CPU } ]"))).device());
  }

  @Test
  void cpuSessionsDivideTheCoresAmongTheModelsOwnInstances() throws Exception {
    Devices eight = new Devices(List.of(Device.CPU), 8);
    Devices.Placement one = only(eight.place(config("")));
    assertEquals(1, one.instances());
    assertEquals(8, one.intraOpThreads());
    Devices.Placement three = only(eight.place(config("instance_group [ { count: 3 kind: KIND_CPU } ]")));
    assertEquals(3, three.instances());
    assertEquals(2, three.intraOpThreads());
    Devices.Placement many = only(eight.place(config("instance_group [ { count: 20 kind: KIND_CPU } ]")));
    assertEquals(1, many.intraOpThreads());
  }

  @Test
  void intraOpThreadCountParameterWins() throws Exception {
    Devices eight = new Devices(List.of(Device.CPU), 8);
    Devices.Placement p = only(eight.place(config("""
        instance_group [ { count: 2 kind: KIND_CPU } ]
        parameters { key: "intra_op_thread_count" value: { string_value: "3" } }
        """)));
    assertEquals(2, p.instances());
    assertEquals(3, p.intraOpThreads());
  }

  @Test
  void perCoreLayoutRunsOneSingleThreadedSessionPerCore() throws Exception {
    Devices eight = new Devices(List.of(Device.CPU), 8);
    Devices.Placement p = only(eight.place(config("parameters { key: \"cpu_instances\" value: { string_value: \"per_core\" } }")));
    assertEquals(8, p.instances());
    assertEquals(1, p.intraOpThreads());
    Devices.Placement twoEach = only(eight.place(config("""
        parameters { key: "cpu_instances" value: { string_value: "per_core" } }
        parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
        """)));
    assertEquals(4, twoEach.instances());
    assertEquals(2, twoEach.intraOpThreads());
  }

  @Test
  void gpuSessionsKeepTheConfiguredCount() throws Exception {
    Devices withGpu = new Devices(List.of(Device.CPU, Device.cuda(0)), 8);
    Devices.Placement p = only(withGpu.place(config("""
        instance_group [ { count: 2 kind: KIND_GPU } ]
        parameters { key: "cpu_instances" value: { string_value: "per_core" } }
        """)));
    assertEquals(Device.cuda(0), p.device());
    assertEquals(2, p.instances());
    assertEquals(1, p.intraOpThreads());
  }

  @Test
  void kindGpuWithoutListedGpusGoesOnEveryGpu() throws Exception {
    Devices twoGpus = new Devices(List.of(Device.CPU, Device.cuda(0), Device.cuda(1)), 16);
    List<Devices.Placement> p = twoGpus.place(config("instance_group [ { count: 2 kind: KIND_GPU } ]"));
    assertEquals(List.of(Device.cuda(0), Device.cuda(1)), p.stream().map(Devices.Placement::device).toList());
    assertEquals(List.of(2, 2), p.stream().map(Devices.Placement::instances).toList());
    assertEquals(List.of(Device.cuda(0), Device.cuda(1)), twoGpus.place(config("")).stream().map(Devices.Placement::device).toList(),
        "the default group (KIND_AUTO) is one instance on each GPU, as in Triton");
  }

  @Test
  void eachGroupIsPlacedAndGroupsOnOneDeviceAddUp() throws Exception {
    Devices twoGpus = new Devices(List.of(Device.CPU, Device.cuda(0), Device.cuda(1)), 12);
    List<Devices.Placement> p = twoGpus.place(config("""
        instance_group [
          { count: 2 kind: KIND_GPU gpus: [ 0, 1 ] },
          { count: 3 kind: KIND_CPU },
          { count: 1 kind: KIND_GPU gpus: [ 1 ] }
        ]
        """));
    assertEquals(List.of(Device.cuda(0), Device.cuda(1), Device.CPU), p.stream().map(Devices.Placement::device).toList());
    assertEquals(List.of(2, 3, 3), p.stream().map(Devices.Placement::instances).toList());
    assertEquals(4, p.get(2).intraOpThreads(), "the CPU's 12 cores divided among its own 3 sessions");
  }

  @Test
  void aListedGpuTheNodeLacksIsAnError() throws Exception {
    Devices oneGpu = new Devices(List.of(Device.CPU, Device.cuda(0)), 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> oneGpu.place(config("instance_group [ { count: 1 kind: KIND_GPU gpus: [ 2 ] } ]")));
    assertTrue(e.getMessage().contains("lists GPU 2 but this node has 1 GPU (id 0)"), e.getMessage());
    Devices cpuOnly = new Devices(List.of(Device.CPU), 4);
    assertEquals(Device.CPU, only(cpuOnly.place(config("instance_group [ { count: 1 kind: KIND_GPU gpus: [ 2 ] } ]"))).device(),
        "without CUDA a GPU config falls back to the CPU");
  }

  @Test
  void visibleCudaDevicesCount() {
    assertEquals(1, Devices.visibleCudaDevices(null));
    assertEquals(2, Devices.visibleCudaDevices("0,3"));
    assertEquals(0, Devices.visibleCudaDevices("-1"));
  }

  private static Devices.Placement only(List<Devices.Placement> placements) {
    assertEquals(1, placements.size(), placements.toString());
    return placements.get(0);
  }

  private static ModelConfig config(String extra) throws Exception {
    return ModelConfigParser.parse(BODY + extra, "m");
  }
}
