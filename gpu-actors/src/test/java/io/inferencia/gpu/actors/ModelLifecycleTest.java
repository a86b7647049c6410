package io.inferencia.gpu.actors;

import static io.inferencia.gpu.testkit.Await.failure;
import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.EchoPipelineFactory;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelState;
import io.inferencia.protocols.inference.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load, unload and reload through the gateway, each test on a fresh core and repository. */
class ModelLifecycleTest {
  @TempDir Path repo;
  private ActorTestKit testKit;
  private InferenceCore core;

  @BeforeEach
  void start() throws Exception {
    TestModels.addShipped(repo, "ocr_cls");
    TestModels.addModel(repo, "echo", EchoPipelineFactory.CONFIG, null);
    testKit = ActorTestKit.create(TestModels.config(repo));
    core = InferenceCore.start(testKit.system(), TestModels.config(repo), List.of(new EchoPipelineFactory()));
    Await.serverReady(core.gateway());
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void unloadThenLoadAgain() {
    var gw = core.gateway();
    result(gw.unload("ocr_cls"));
    assertFalse(result(gw.modelReady("ocr_cls", "")));
    failure(gw.infer(cls(1)), ErrorKind.UNAVAILABLE, "not ready");
    ModelIndexEntry entry = result(gw.index(false)).stream().filter(e -> e.name().equals("ocr_cls")).findFirst().orElseThrow();
    assertEquals(ModelState.UNAVAILABLE, entry.state());
    assertEquals("unloaded", entry.reason());

    result(gw.load("ocr_cls"));
    assertTrue(result(gw.modelReady("ocr_cls", "1")));
    assertEquals(2, result(gw.infer(cls(1))).outputs().get(0).asFloats().length);
  }

  @Test
  void aModelAskingForTheResponseCacheOnANodeWithoutOneServesUncachedWithANote() throws Exception {
    var gw = core.gateway();
    Path config = repo.resolve("ocr_cls/config.pbtxt");
    Files.writeString(config, Files.readString(config) + "\nresponse_cache { enable: true }\n");
    result(gw.load("ocr_cls"));
    ModelIndexEntry entry = result(gw.index(false)).stream().filter(e -> e.name().equals("ocr_cls")).findFirst().orElseThrow();
    assertEquals(ModelState.READY, entry.state());
    assertTrue(entry.reason().contains("response_cache is enabled but the node's cache is off"), entry.reason());
    assertEquals(2, result(gw.infer(cls(1))).outputs().get(0).asFloats().length);
  }

  @Test
  void reloadRereadsTheConfig() throws Exception {
    var gw = core.gateway();
    Path config = repo.resolve("ocr_cls/config.pbtxt");
    Files.writeString(config, Files.readString(config).replace("max_batch_size: 64", "max_batch_size: 16")
        .replace("preferred_batch_size: [ 32 ]", "preferred_batch_size: [ 8 ]"));
    result(gw.load("ocr_cls"));
    assertEquals(16, result(gw.config("ocr_cls", "")).getMaxBatchSize());
    failure(gw.infer(cls(20)), ErrorKind.INVALID_ARGUMENT, "1..16");
    assertEquals(16 * 2, result(gw.infer(cls(16))).outputs().get(0).asFloats().length);
  }

  @Test
  void aLoadsConfigOverrideServesUntilALoadWithoutOne() throws Exception {
    var gw = core.gateway();
    String shipped = Files.readString(repo.resolve("ocr_cls/config.pbtxt"));
    String override = shipped.replace("max_batch_size: 64", "max_batch_size: 16").replace("preferred_batch_size: [ 32 ]", "preferred_batch_size: [ 8 ]");
    result(gw.load("ocr_cls", override));
    assertEquals(16, result(gw.config("ocr_cls", "")).getMaxBatchSize());
    failure(gw.infer(cls(20)), ErrorKind.INVALID_ARGUMENT, "1..16");
    assertEquals(shipped, Files.readString(repo.resolve("ocr_cls/config.pbtxt")), "the file is untouched");
    result(gw.load("ocr_cls"));
    assertEquals(64, result(gw.config("ocr_cls", "")).getMaxBatchSize(), "back to config.pbtxt");
  }

  @Test
  void anInvalidConfigOverrideIsRefusedAndTheModelKeepsServing() throws Exception {
    var gw = core.gateway();
    String shipped = Files.readString(repo.resolve("ocr_cls/config.pbtxt"));
    failure(gw.load("ocr_cls", shipped.replace("preferred_batch_size: [ 32 ]", "preferred_batch_size: [ 99 ]")),
        ErrorKind.INVALID_ARGUMENT, "preferred_batch_size 99 is outside 1..64");
    failure(gw.load("ocr_cls", "name: \"other\"\n" + shipped.substring(shipped.indexOf("backend"))),
        ErrorKind.INVALID_ARGUMENT, "does not match its directory");
    assertTrue(result(gw.modelReady("ocr_cls", "1")));
    assertEquals(2, result(gw.infer(cls(1))).outputs().get(0).asFloats().length);
    failure(gw.load("nope", shipped.replace("ocr_cls", "nope")), ErrorKind.NOT_FOUND, "no model 'nope'");
  }

  @Test
  void aBrokenModelKeepsTheServerNotReadyUntilItIsUnloaded() throws Exception {
    var gw = core.gateway();
    assertTrue(result(gw.serverReady()));
    Files.writeString(repo.resolve("ocr_cls/config.pbtxt"), "max_batch_size: 64 colour: 1");
    failure(gw.load("ocr_cls"), ErrorKind.UNAVAILABLE, "does not parse");
    assertFalse(result(gw.serverReady()), "strict readiness: a model that cannot serve makes the server not ready");
    InferRequest echo = InferRequest.of("echo", List.of(Tensor.ofStrings("TEXT", new long[] {1}, List.of("a"))));
    assertEquals(List.of("A"), result(gw.infer(echo)).outputs().get(0).asStrings(), "the other models still serve");
    result(gw.unload("ocr_cls"));
    assertTrue(result(gw.serverReady()), "a model unloaded on request does not count");
  }

  @Test
  void withoutStrictReadinessABrokenModelDoesNotCount() throws Exception {
    Files.writeString(repo.resolve("ocr_cls/config.pbtxt"), "max_batch_size: 64 colour: 1");
    ActorTestKit lenient = ActorTestKit.create(TestModels.config(repo)
        .withValue("inference.strict-readiness", com.typesafe.config.ConfigValueFactory.fromAnyRef(false)));
    try {
      var gw = InferenceCore.start(lenient.system(), lenient.system().settings().config(),
          List.of(new EchoPipelineFactory())).gateway();
      Await.serverReady(gw);
      assertFalse(result(gw.modelReady("ocr_cls", "")));
    } finally {
      lenient.shutdownTestKit();
    }
  }

  @Test
  void loadingABrokenConfigFailsWithTheReason() throws Exception {
    Files.writeString(repo.resolve("ocr_cls/config.pbtxt"), "max_batch_size: 64 colour: 1");
    failure(core.gateway().load("ocr_cls"), ErrorKind.UNAVAILABLE, "does not parse");
    failure(core.gateway().infer(cls(1)), ErrorKind.UNAVAILABLE, "does not parse");
  }

  /** A config that parses but names no backend is the client's mistake: 400, and the model serves on. */
  @Test
  void aLoadWhoseConfigCannotBeServedIsRefusedAndTheModelKeepsServing() throws Exception {
    var gw = core.gateway();
    String shipped = Files.readString(repo.resolve("ocr_cls/config.pbtxt"));
    String noBackend = shipped.replaceAll("(?m)^\\s*(backend|platform):.*$", "");
    failure(gw.load("ocr_cls", noBackend), ErrorKind.INVALID_ARGUMENT, "unsupported backend");
    assertTrue(result(gw.modelReady("ocr_cls", "1")));
    assertTrue(result(gw.serverReady()));
    assertEquals(2, result(gw.infer(cls(1))).outputs().get(0).asFloats().length);
  }

  /** The new version is ready before the old one stops taking requests, and the old one finishes its own. */
  @Test
  void reloadsUnderLoadLoseNoRequest() throws Exception {
    var gw = core.gateway();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    List<Thread> clients = new java.util.ArrayList<>();
    for (int c = 0; c < 4; c++) {
      Thread t = new Thread(() -> {
        while (running.get()) {
          try {
            gw.infer(cls(1)).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            served.incrementAndGet();
          } catch (Exception e) {
            failures.add(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
          }
        }
      });
      t.start();
      clients.add(t);
    }
    try {
      for (int i = 0; i < 3; i++) result(gw.load("ocr_cls"));
    } finally {
      running.set(false);
      for (Thread t : clients) t.join();
    }
    assertEquals(List.of(), failures, "failed while reloading (" + served.get() + " served)");
    assertTrue(served.get() > 0);
    ModelIndexEntry entry = result(gw.index(false)).stream().filter(e -> e.name().equals("ocr_cls")).findFirst().orElseThrow();
    assertEquals(ModelState.READY, entry.state());
  }

  @Test
  void loadsAModelAddedAfterStart() throws Exception {
    TestModels.addShipped(repo, "vad");
    assertFalse(result(core.gateway().modelReady("vad", "")));
    result(core.gateway().load("vad"));
    assertTrue(result(core.gateway().modelReady("vad", "")));
  }

  @Test
  void unknownModelsAreNotFound() {
    failure(core.gateway().load("nope"), ErrorKind.NOT_FOUND, "no model 'nope'");
    failure(core.gateway().unload("nope"), ErrorKind.NOT_FOUND, "unknown model 'nope'");
  }

  @Test
  void pipelinesUnloadAndReload() {
    InferRequest echo = InferRequest.of("echo", List.of(Tensor.ofStrings("TEXT", new long[] {1}, List.of("a"))));
    result(core.gateway().unload("echo"));
    failure(core.gateway().infer(echo), ErrorKind.UNAVAILABLE, "not ready");
    result(core.gateway().load("echo"));
    assertEquals(List.of("A"), result(core.gateway().infer(echo)).outputs().get(0).asStrings());
  }

  private static InferRequest cls(long batch) {
    return InferRequest.of("ocr_cls", List.of(TestModels.randomFloats("x", new long[] {batch, 3, 48, 192}, batch)));
  }
}
