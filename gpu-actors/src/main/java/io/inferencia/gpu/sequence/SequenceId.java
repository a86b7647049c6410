package io.inferencia.gpu.sequence;

import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferenceException;
import java.util.Optional;

/**
 * A request's place in a sequence, from Triton's request parameters: {@code sequence_id} (a non-zero
 * number or a non-empty string), {@code sequence_start} and {@code sequence_end} (booleans, default
 * false).
 */
public record SequenceId(String value) {
  public static final String ID = "sequence_id";
  public static final String START = "sequence_start";
  public static final String END = "sequence_end";

  /** The id as an unsigned 64-bit number, when it is one. */
  public Optional<Long> numeric() {
    try {
      return Optional.of(Long.parseUnsignedLong(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public static SequenceId of(InferRequest request) {
    String id = request.parameters().getOrDefault(ID, "").trim();
    if (id.isEmpty() || id.equals("0"))
      throw InferenceException.invalid("inference request to model '" + request.model()
          + "' must specify a non-zero or non-empty correlation ID (parameter " + ID + ")");
    return new SequenceId(id);
  }

  public static boolean flag(InferRequest request, String name) {
    String v = request.parameters().get(name);
    if (v == null) return false;
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0", "" -> false;
      default -> throw InferenceException.invalid("parameter " + name + " must be a boolean, got '" + v + "'");
    };
  }
}
