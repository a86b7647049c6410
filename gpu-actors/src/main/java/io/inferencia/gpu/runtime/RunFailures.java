package io.inferencia.gpu.runtime;

import ai.onnxruntime.OrtException;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceFailure;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a failed session run means for its callers. ONNX Runtime reports the shapes its graph refuses
 * (an input the config's variable dimensions allow but a kernel cannot take, e.g. a spatial size too
 * small for the strides) as invalid-argument or as runtime errors about shapes and dimensions: those
 * are the client's INVALID_ARGUMENT. Anything else is a fault of the server, INTERNAL. Either way the
 * message says what failed without ORT's native source paths and signatures (those go to the log).
 */
public final class RunFailures {
  /** ORT's wording for a kernel refusing the shapes it was given. */
  private static final Pattern SHAPE_PROBLEM = Pattern.compile(
      "shape|dimension|dims|broadcast|invalid input", Pattern.CASE_INSENSITIVE);

  private RunFailures() {}

  /** @param inputs the refused inputs as the client sent them, e.g. {@code x [1, 3, 1, 1]} */
  public static InferenceFailure classify(String model, String inputs, Throwable error) {
    OrtException ort = ortCause(error);
    if (ort != null && refusesShapes(ort))
      return new InferenceFailure(ErrorKind.INVALID_ARGUMENT, "model '" + model + "' cannot run on the input shapes "
          + inputs + ": its graph refuses them (for example a spatial size too small or not a multiple its layers need)");
    return new InferenceFailure(ErrorKind.INTERNAL, "inference failed for model '" + model + "' (details in the server log)");
  }

  private static boolean refusesShapes(OrtException e) {
    return switch (e.getCode()) {
      case ORT_INVALID_ARGUMENT -> true;
      case ORT_FAIL, ORT_RUNTIME_EXCEPTION -> e.getMessage() != null
          && SHAPE_PROBLEM.matcher(e.getMessage().toLowerCase(Locale.ROOT)).find();
      default -> false;
    };
  }

  private static OrtException ortCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
      if (c instanceof OrtException ort) return ort;
    return null;
  }
}
