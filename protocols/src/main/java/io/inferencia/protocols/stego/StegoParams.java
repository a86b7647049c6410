package io.inferencia.protocols.stego;

import java.util.Locale;

/** The stego tasks' names and parameters, as the edge checks them and the worker reads them. */
public final class StegoParams {
  public static final String ENCODE_TASK = "stego.encode";
  public static final String DECODE_TASK = "stego.decode";
  /** An uploaded object holding the secret: {@code s3://<intake>/<your prefix>/...}. */
  public static final String SECRET = "secret";
  /** The secret as inline text, at most {@link #MAX_TEXT_BYTES} bytes of UTF-8. */
  public static final String SECRET_TEXT = "secret_text";
  /** The key the positions are drawn with; the deployment's key when absent. */
  public static final String KEY = "key";
  public static final int MAX_TEXT_BYTES = 4096;
  public static final int MAX_KEY_BYTES = 256;
  public static final String TEXT_TYPE = "text/plain; charset=utf-8";

  private StegoParams() {}

  public static boolean isStego(String task) {
    return ENCODE_TASK.equals(task) || DECODE_TASK.equals(task);
  }

  /** The result file's extension for a recovered secret of this content type. */
  public static String extensionFor(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) type = type.substring(0, semicolon);
    return switch (type.trim()) {
      case "text/plain" -> "txt";
      case "audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave" -> "wav";
      case "audio/webm" -> "webm";
      case "audio/ogg" -> "ogg";
      case "image/png" -> "png";
      case "image/jpeg" -> "jpg";
      case "application/pdf" -> "pdf";
      case "application/json" -> "json.bin"; // never mistaken for a result document
      default -> "bin";
    };
  }
}
