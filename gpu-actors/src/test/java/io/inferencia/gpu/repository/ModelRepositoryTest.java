package io.inferencia.gpu.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.modelconfig.ModelVersionPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {
  @TempDir Path repo;

  @Test
  void badConfigIsUnavailableWithReasonAndGoodModelIsServed() throws Exception {
    TestModels.addShipped(repo, "ocr_cls");
    TestModels.addModel(repo, "broken", "max_batch_size: 4 colour: 3", null);
    TestModels.addModel(repo, "no_file", Files.readString(TestModels.repository().resolve("vad/config.pbtxt"))
        .replace("name: \"vad\"", "name: \"no_file\""), null);
    Files.createDirectories(repo.resolve("no_file/1"));
    Files.createDirectories(repo.resolve("not_a_model"));

    Map<String, ModelSource> byName =
        new ModelRepository(repo).scan().stream().collect(Collectors.toMap(ModelSource::name, s -> s));

    assertEquals(3, byName.size());
    assertTrue(byName.get("ocr_cls").servable());
    assertEquals("1", byName.get("ocr_cls").versions().get(0).version());
    assertFalse(byName.get("broken").servable());
    assertTrue(byName.get("broken").error().contains("does not parse"), byName.get("broken").error());
    assertFalse(byName.get("no_file").versions().get(0).loadable());
  }

  @Test
  void pipelineNeedsNoVersionDirectory() throws Exception {
    TestModels.addShipped(repo, "ocr");
    ModelSource ocr = new ModelRepository(repo).scanModel("ocr").orElseThrow();
    assertTrue(ocr.servable());
    assertEquals("1", ocr.versions().get(0).version());
    assertTrue(ocr.versions().get(0).modelFile().isEmpty());
  }

  @Test
  void unknownBackendIsUnavailable() throws Exception {
    TestModels.addModel(repo, "tf", """
        backend: "tensorflow" max_batch_size: 0
        input [ { name: "x" data_type: TYPE_FP32 dims: [ 3 ] } ]
        output [ { name: "y" data_type: TYPE_FP32 dims: [ 2 ] } ]
        """, null);
    ModelSource tf = new ModelRepository(repo).scanModel("tf").orElseThrow();
    assertTrue(tf.error().contains("unsupported backend"), tf.error());
  }

  @Test
  void versionPolicies() {
    List<Long> onDisk = List.of(1L, 2L, 3L, 7L);
    assertEquals(List.of(7L), ModelRepository.selectVersions(ModelVersionPolicy.getDefaultInstance(), onDisk));
    assertEquals(List.of(3L, 7L), ModelRepository.selectVersions(policy("latest { num_versions: 2 }"), onDisk));
    assertEquals(onDisk, ModelRepository.selectVersions(policy("all { }"), onDisk));
    assertEquals(List.of(2L), ModelRepository.selectVersions(policy("specific { versions: [ 2, 9 ] }"), onDisk));
  }

  @Test
  void scanModelOutsideRootIsUnknown() {
    assertTrue(new ModelRepository(repo).scanModel("../etc").isEmpty());
  }

  private static ModelVersionPolicy policy(String text) {
    try {
      ModelVersionPolicy.Builder b = ModelVersionPolicy.newBuilder();
      com.google.protobuf.TextFormat.merge(text, b);
      return b.build();
    } catch (com.google.protobuf.TextFormat.ParseException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
