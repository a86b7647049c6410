package io.inferencia.edge.errors;

import java.util.regex.Pattern;

/**
 * Error messages as clients may read them: without the names of internal classes (a parser's
 * {@code com.google.gson.stream.MalformedJsonException: }, {@code java.lang.IllegalStateException: })
 * and without source locations of native libraries ({@code /onnxruntime_src/...cc:83} and what follows
 * it). What is left still says what was wrong with the request.
 */
final class SafeMessages {
  static final String UNKNOWN = "the request failed inside the server";
  /** A qualified class name, optionally followed by ": " (how Throwable.toString() prefixes messages). */
  private static final Pattern QUALIFIED_CLASS =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");
  /** A bare exception or error class name, e.g. MalformedJsonException. */
  private static final Pattern EXCEPTION_NAME = Pattern.compile("\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");
  /** A source file with a line number: everything from it on is a stack or a native trace. */
  private static final Pattern SOURCE_LOCATION =
      Pattern.compile("\\S*[/\\\\][^\\s:]+\\.(?:cc|cpp|cxx|c|h|hpp|cu|java|scala|py|rs|go):\\d+.*", Pattern.DOTALL);

  private SafeMessages() {}

  static String of(String message) {
    if (message == null || message.isBlank() || message.equals("null")) return UNKNOWN;
    String m = SOURCE_LOCATION.matcher(message).replaceAll("");
    m = QUALIFIED_CLASS.matcher(m).replaceAll("");
    m = EXCEPTION_NAME.matcher(m).replaceAll("");
    m = m.replaceAll("\\s{2,}", " ").strip();
    while (m.endsWith(":")) m = m.substring(0, m.length() - 1).strip();
    return m.isEmpty() ? UNKNOWN : m;
  }
}
