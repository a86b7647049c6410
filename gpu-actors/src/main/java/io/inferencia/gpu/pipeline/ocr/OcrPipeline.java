package io.inferencia.gpu.pipeline.ocr;

import io.inferencia.gpu.pipeline.BatchedInference;
import io.inferencia.gpu.pipeline.PipelineModel;
import io.inferencia.gpu.pipeline.PipelineRequests;
import io.inferencia.gpu.pipeline.image.BgrImage;
import io.inferencia.gpu.pipeline.image.DecodeBudget;
import io.inferencia.gpu.pipeline.image.ImageDecoder;
import io.inferencia.gpu.pipeline.image.ImageOps;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The {@code ocr} model: image bytes → ocr_det → DB boxes → crops → ocr_cls (180° fix) → ocr_rec →
 * CTC text. Every CPU-heavy step runs on the blocking executor; model calls go through the inferer.
 */
public final class OcrPipeline implements PipelineModel {
  public static final String INPUT = "IMAGE";
  public static final String TEXT = "TEXT";
  public static final String CONFIDENCE = "CONFIDENCE";
  public static final String BOX = "BOX";
  public static final String RESULT_JSON = "RESULT_JSON";
  private static final Set<String> OUTPUTS = Set.of(TEXT, CONFIDENCE, BOX, RESULT_JSON);
  private static final int CLS_WIDTH = 192;
  private static final int REC_WIDTH = 320;
  private static final float ROTATE_THRESHOLD = 0.9f;

  private final String name;
  private final OcrModels models;
  private final Inferer inferer;
  private final Executor executor;
  private final ImageDecoder imageDecoder;
  private final DetPreprocessor detPreprocessor;
  private final DbPostprocessor dbPostprocessor;
  private final CropNormalizer clsNormalizer = new CropNormalizer(CLS_WIDTH);
  private final CropNormalizer recNormalizer = new CropNormalizer(REC_WIDTH);
  private final CtcDecoder ctcDecoder;
  private final float minConfidence;

  public OcrPipeline(
      String name,
      OcrModels models,
      CtcDecoder ctcDecoder,
      Inferer inferer,
      Executor executor,
      OcrSettings settings) {
    this.name = name;
    this.models = models;
    this.ctcDecoder = ctcDecoder;
    this.inferer = inferer;
    this.executor = executor;
    this.imageDecoder = new ImageDecoder(settings.maxImagePixels(), DecodeBudget.HEAP);
    this.detPreprocessor = new DetPreprocessor(settings.detLimitSide());
    this.dbPostprocessor = new DbPostprocessor(0.3f, 0.6f, settings.unclipRatio());
    this.minConfidence = settings.minTextConfidence();
  }

  /** The decoded image holds its share of the node's decode budget until its crops are cut. */
  private record Prepared(ImageDecoder.Decoded decoded, DetInput detInput) {
    BgrImage image() {
      return decoded.image();
    }
  }

  private record Cropped(List<TextBox> boxes, List<BgrImage> crops) {}

  @Override
  public CompletionStage<InferResponse> infer(InferRequest request) {
    Inferer calls = PipelineRequests.callsFor(inferer, request);
    CompletableFuture<Prepared> prepared = CompletableFuture.supplyAsync(() -> prepare(request), executor);
    return prepared
        .thenCompose(p -> detect(p, calls))
        .thenCompose(c -> orient(c, calls))
        .thenCompose(c -> recognise(c, calls))
        .thenApply(lines -> PipelineRequests.response(request, name, toTensors(lines)))
        .whenComplete((done, error) -> {
          // Released already on success; this covers a failure after decoding.
          Prepared p = prepared.isCompletedExceptionally() ? null : prepared.getNow(null);
          if (p != null) p.decoded().close();
        });
  }

  private Prepared prepare(InferRequest request) {
    byte[] bytes = PipelineRequests.singleBytesInput(request, name, INPUT);
    PipelineRequests.checkRequestedOutputs(request, name, OUTPUTS);
    ImageDecoder.Decoded decoded = imageDecoder.decode(bytes);
    try {
      return new Prepared(decoded, detPreprocessor.prepare(decoded.image()));
    } catch (RuntimeException e) {
      decoded.close();
      throw e;
    }
  }

  private CompletionStage<Cropped> detect(Prepared p, Inferer calls) {
    DetInput in = p.detInput();
    // One image per detector request: images differ in size, so they cannot share a batch anyway.
    InferRequest det =
        InferRequest.of(
            models.detModel(),
            List.of(Tensor.ofFloats(OcrModels.DET_INPUT, new long[] {1, 3, in.height(), in.width()}, in.chw())));
    return calls.infer(det).thenApplyAsync(response -> boxesAndCrops(p, response), executor);
  }

  private Cropped boxesAndCrops(Prepared p, InferResponse response) {
    DetInput in = p.detInput();
    float[] prob = PipelineRequests.output(response, OcrModels.DET_OUTPUT).asFloats();
    if (prob.length != in.width() * in.height())
      throw internal("detector map has " + prob.length + " values for a " + in.width() + "x" + in.height() + " input");
    List<TextBox> boxes = dbPostprocessor.boxes(prob, in);
    List<BgrImage> crops = new ArrayList<>(boxes.size());
    for (TextBox b : boxes) crops.add(BoxCropper.crop(p.image(), b));
    p.decoded().close(); // the crops are copies: the whole image is no longer needed
    return new Cropped(boxes, crops);
  }

  /** Turns upside-down crops the right way up before recognition. */
  private CompletionStage<Cropped> orient(Cropped c, Inferer calls) {
    if (c.crops().isEmpty()) return CompletableFuture.completedFuture(c);
    return CompletableFuture.supplyAsync(
            () ->
                BatchedInference.requests(
                    models.clsModel(), OcrModels.CLS_INPUT, normalise(c.crops(), clsNormalizer), c.crops().size(),
                    new long[] {3, CropNormalizer.HEIGHT, CLS_WIDTH}, models.clsMaxBatch()),
            executor)
        .thenCompose(requests -> BatchedInference.inferAll(calls, requests))
        .thenApplyAsync(responses -> rotated(c, responses), executor);
  }

  /** Rotates each crop the classifier scores as 180° with at least the threshold. */
  private static Cropped rotated(Cropped c, List<InferResponse> responses) {
    List<BgrImage> oriented = new ArrayList<>(c.crops().size());
    int i = 0;
    for (InferResponse r : responses) {
      float[] probs = PipelineRequests.output(r, OcrModels.CLS_OUTPUT).asFloats();
      for (int k = 0; k < probs.length / 2 && i < c.crops().size(); k++, i++) {
        BgrImage crop = c.crops().get(i);
        oriented.add(probs[2 * k + 1] >= ROTATE_THRESHOLD ? ImageOps.rotate180(crop) : crop);
      }
    }
    if (oriented.size() != c.crops().size())
      throw internal("classifier returned " + oriented.size() + " results for " + c.crops().size() + " crops");
    return new Cropped(c.boxes(), oriented);
  }

  private CompletionStage<List<OcrLine>> recognise(Cropped c, Inferer calls) {
    if (c.crops().isEmpty()) return CompletableFuture.completedFuture(List.of());
    return CompletableFuture.supplyAsync(
            () ->
                BatchedInference.requests(
                    models.recModel(), OcrModels.REC_INPUT, normalise(c.crops(), recNormalizer), c.crops().size(),
                    new long[] {3, CropNormalizer.HEIGHT, REC_WIDTH}, models.recMaxBatch()),
            executor)
        .thenCompose(requests -> BatchedInference.inferAll(calls, requests))
        .thenApplyAsync(responses -> decode(c.boxes(), responses), executor);
  }

  private List<OcrLine> decode(List<TextBox> boxes, List<InferResponse> responses) {
    List<OcrLine> lines = new ArrayList<>();
    int i = 0;
    for (InferResponse r : responses) {
      Tensor out = PipelineRequests.output(r, OcrModels.REC_OUTPUT);
      long[] shape = out.shape();
      if (shape.length != 3 || shape[2] != ctcDecoder.classCount())
        throw internal("recogniser output shape " + Arrays.toString(shape)
            + " does not match the dictionary's " + ctcDecoder.classCount() + " classes");
      float[] probs = out.asFloats();
      int steps = (int) shape[1];
      if (i + shape[0] > boxes.size() || probs.length != shape[0] * steps * ctcDecoder.classCount())
        throw internal("recogniser returned more or fewer results than the " + boxes.size() + " crops sent");
      for (int k = 0; k < shape[0]; k++, i++) {
        CtcDecoder.Decoded d = ctcDecoder.decode(probs, k * steps * ctcDecoder.classCount(), steps);
        // PaddleOCR's drop_score: low-confidence reads are mostly noise boxes.
        if (!d.text().isBlank() && d.confidence() >= minConfidence)
          lines.add(new OcrLine(d.text(), d.confidence(), boxes.get(i)));
      }
    }
    if (i != boxes.size()) throw internal("recogniser returned " + i + " results for " + boxes.size() + " crops");
    return lines;
  }

  private static float[] normalise(List<BgrImage> crops, CropNormalizer normalizer) {
    float[] batch = new float[crops.size() * normalizer.cropSize()];
    for (int i = 0; i < crops.size(); i++) normalizer.write(crops.get(i), batch, i * normalizer.cropSize());
    return batch;
  }

  private static List<Tensor> toTensors(List<OcrLine> lines) {
    int n = lines.size();
    List<String> texts = new ArrayList<>(n);
    float[] confidences = new float[n];
    float[] boxes = new float[n * 8];
    List<LineJson> json = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      OcrLine line = lines.get(i);
      texts.add(line.text());
      confidences[i] = line.confidence();
      List<List<Number>> corners = new ArrayList<>(4);
      for (int k = 0; k < 4; k++) {
        boxes[i * 8 + 2 * k] = (float) line.box().x(k);
        boxes[i * 8 + 2 * k + 1] = (float) line.box().y(k);
        corners.add(List.of(number(line.box().x(k)), number(line.box().y(k))));
      }
      json.add(new LineJson(line.text(), line.confidence(), corners));
    }
    return List.of(
        Tensor.ofStrings(TEXT, new long[] {n}, texts),
        Tensor.ofFloats(CONFIDENCE, new long[] {n}, confidences),
        Tensor.ofFloats(BOX, new long[] {n, 4, 2}, boxes),
        Tensor.ofStrings(RESULT_JSON, new long[] {1}, List.of(PipelineRequests.json(json))));
  }

  /** Whole pixel coordinates are written as integers. */
  private static Number number(double v) {
    return v == Math.rint(v) ? (Number) (long) v : (Number) v;
  }

  /** One line in {@code result_json}: its text, confidence and box corners as {@code [x, y]}. */
  record LineJson(String text, float confidence, List<List<Number>> box) {}

  private static InferenceException internal(String message) {
    return new InferenceException(ErrorKind.INTERNAL, message);
  }
}
