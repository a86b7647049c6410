package io.inferencia.node.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.inferencia.node.conformance.Samples;
import io.inferencia.protocols.grpc.GRPCInferenceServiceClient;
import io.inferencia.protocols.grpc.ModelInferRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The multi-node tests' gRPC load: ocr_cls, a copy of it under another name and ocr_rec (40 x 6625
 * logits per line, 1 MiB out), each answer to a few fixed inputs taken before the load and every later
 * answer compared with it.
 */
public record ModelAnswers(List<ModelInferRequest> cls, List<ModelInferRequest> copy, List<ModelInferRequest> rec,
    List<float[]> clsOut, List<float[]> recOut) {
  private static final long[] CLS_SHAPE = {1, 3, 48, 192};
  private static final long[] REC_SHAPE = {1, 3, 48, 320};

  /** Takes the reference answers of ocr_cls and ocr_rec; {@code copyName} serves ocr_cls's file. */
  public static ModelAnswers takeFrom(GRPCInferenceServiceClient grpc, String copyName) throws Exception {
    List<ModelInferRequest> cls = new ArrayList<>();
    List<ModelInferRequest> copy = new ArrayList<>();
    List<ModelInferRequest> rec = new ArrayList<>();
    List<float[]> clsOut = new ArrayList<>();
    List<float[]> recOut = new ArrayList<>();
    for (int seed = 0; seed < 4; seed++) {
      float[] image = Samples.clsInput(1, seed);
      cls.add(GrpcTensors.fp32("ocr_cls", "x", CLS_SHAPE, image));
      copy.add(GrpcTensors.fp32(copyName, "x", CLS_SHAPE, image));
      clsOut.add(GrpcTensors.firstOutput(grpc.modelInfer(cls.get(seed)).toCompletableFuture().get(60, TimeUnit.SECONDS)));
    }
    for (int seed = 0; seed < 2; seed++) {
      float[] line = new float[3 * 48 * 320];
      Random random = new Random(seed);
      for (int i = 0; i < line.length; i++) line[i] = random.nextFloat() * 2 - 1;
      rec.add(GrpcTensors.fp32("ocr_rec", "x", REC_SHAPE, line));
      recOut.add(GrpcTensors.firstOutput(grpc.modelInfer(rec.get(seed)).toCompletableFuture().get(60, TimeUnit.SECONDS)));
    }
    assertEquals(40 * 6625, recOut.get(0).length, "ocr_rec answers 40 x 6625 logits per line");
    return new ModelAnswers(cls, copy, rec, clsOut, recOut);
  }

  /** Call {@code i} of kind {@code kind} (0 ocr_cls, 1 the copy, 2 ocr_rec): null when answered right. */
  public String check(GRPCInferenceServiceClient grpc, long kind, long i) throws Exception {
    int pick = (int) (i % (kind == 2 ? rec.size() : cls.size()));
    ModelInferRequest request = kind == 0 ? cls.get(pick) : kind == 1 ? copy.get(pick) : rec.get(pick);
    float[] expected = kind == 2 ? recOut.get(pick) : clsOut.get(pick);
    float[] out = GrpcTensors.firstOutput(grpc.modelInfer(request).toCompletableFuture().get(90, TimeUnit.SECONDS));
    String wrong = GrpcTensors.differs(expected, out, 1e-3f);
    return wrong == null ? null : request.getModelName() + ": " + wrong;
  }
}
