package io.inferencia.edge.logging;

/**
 * Triton's log settings (logging extension). On logback the levels are one threshold, so the flags
 * are a staircase: errors, then warnings, then info, then verbose levels (1 = DEBUG, 2+ = TRACE).
 */
public record LogSettings(String logFile, boolean logInfo, boolean logWarnings, boolean logErrors, int verboseLevel,
    String logFormat) {
  public static final String FILE = "log_file";
  public static final String INFO = "log_info";
  public static final String WARNINGS = "log_warnings";
  public static final String ERRORS = "log_errors";
  public static final String VERBOSE = "log_verbose_level";
  public static final String FORMAT = "log_format";
  public static final String DEFAULT_FORMAT = "default";
  public static final String ISO8601_FORMAT = "ISO8601";
}
