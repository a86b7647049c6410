package io.inferencia.edge.logging;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import java.util.Iterator;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.event.Logging;
import org.slf4j.LoggerFactory;

/**
 * Triton's logging extension on this node's logback: the root level follows the settings, and so does
 * Pekko's own event-stream level (else Pekko's debug logs would stay filtered). Settings are
 * process-wide, one control per actor system, changed under a lock so REST and gRPC updates apply
 * whole. Values: strings for log_file and log_format, booleans for the flags, a non-negative integer
 * for log_verbose_level.
 */
public final class LogControl implements Extension {
  private static final Id ID = new Id();
  private static final String PATTERN_TAIL = " %-5level %logger{36} - %msg%n";

  private final ActorSystem<?> system;
  private LogSettings current;

  private LogControl(ActorSystem<?> system) {
    this.system = system;
  }

  public static LogControl get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The settings; read from logback the first time, so an edge without logback still starts (and answers 503 here). */
  public synchronized LogSettings current() {
    if (current == null) current = fromRootLevel(root().getEffectiveLevel());
    return current;
  }

  /** Applies the given settings (values: String, Boolean or Long) over the current ones; others stay. */
  public synchronized LogSettings update(Map<String, Object> changes) {
    LogSettings s = current();
    String file = s.logFile();
    boolean info = s.logInfo();
    boolean warnings = s.logWarnings();
    boolean errors = s.logErrors();
    int verbose = s.verboseLevel();
    String format = s.logFormat();
    for (Map.Entry<String, Object> e : changes.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      switch (key) {
        case LogSettings.FILE -> file = string(key, v);
        case LogSettings.INFO -> info = bool(key, v);
        case LogSettings.WARNINGS -> warnings = bool(key, v);
        case LogSettings.ERRORS -> errors = bool(key, v);
        case LogSettings.VERBOSE -> verbose = level(v);
        case LogSettings.FORMAT -> format = string(key, v);
        default -> throw invalid("unknown log setting '" + key + "' (log_file, log_info, log_warnings, log_errors, "
            + "log_verbose_level, log_format)");
      }
    }
    if (!file.equals(s.logFile()))
      throw invalid("log_file cannot be changed at run time: the node logs to standard output (see logback.xml)");
    if (!format.equals(LogSettings.DEFAULT_FORMAT) && !format.equals(LogSettings.ISO8601_FORMAT))
      throw invalid("log_format must be 'default' or 'ISO8601', got '" + format + "'");
    // Logback levels are a threshold: a level can only be on when every more severe one is.
    if (verbose > 0 && !info) throw invalid("log_verbose_level > 0 needs log_info (log levels are a threshold here)");
    if (info && !warnings) throw invalid("log_info needs log_warnings (log levels are a threshold here)");
    if (warnings && !errors) throw invalid("log_warnings needs log_errors (log levels are a threshold here)");
    LogSettings next = new LogSettings(file, info, warnings, errors, verbose, format);
    apply(s, next);
    current = next;
    return next;
  }

  private void apply(LogSettings previous, LogSettings s) {
    Level level = !s.logErrors() ? Level.OFF
        : !s.logWarnings() ? Level.ERROR
        : !s.logInfo() ? Level.WARN
        : s.verboseLevel() == 0 ? Level.INFO
        : s.verboseLevel() == 1 ? Level.DEBUG : Level.TRACE;
    root().setLevel(level);
    // Pekko filters its own events before they reach logback; with errors off, logback drops them.
    int pekko = level.levelInt >= Level.ERROR.levelInt ? Logging.ErrorLevel()
        : level == Level.WARN ? Logging.WarningLevel()
        : level == Level.INFO ? Logging.InfoLevel() : Logging.DebugLevel();
    Adapter.toClassic(system).eventStream().setLogLevel(pekko);
    if (!s.logFormat().equals(previous.logFormat())) setFormat(s.logFormat());
  }

  /** Re-encodes every pattern-encoded console or file appender of the root logger with the format's timestamp. */
  private static void setFormat(String format) {
    Logger root = root();
    LoggerContext context = root.getLoggerContext();
    String date = format.equals(LogSettings.ISO8601_FORMAT) ? "%d{ISO8601}" : "%d{HH:mm:ss.SSS}";
    for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (!(it.next() instanceof OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> out)) continue;
      // LOG_FORMAT=json lines keep their encoder: their timestamps are ISO 8601 already.
      if (!(out.getEncoder() instanceof PatternLayoutEncoder)) continue;
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern(date + PATTERN_TAIL);
      encoder.start();
      out.setEncoder(encoder);
    }
  }

  private static LogSettings fromRootLevel(Level level) {
    int l = level.levelInt;
    int verbose = l <= Level.TRACE.levelInt ? 2 : l <= Level.DEBUG.levelInt ? 1 : 0;
    return new LogSettings("", l <= Level.INFO.levelInt, l <= Level.WARN.levelInt, l <= Level.ERROR.levelInt, verbose,
        LogSettings.DEFAULT_FORMAT);
  }

  private static Logger root() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext))
      throw new InferenceException(ErrorKind.UNAVAILABLE, "log settings need logback as the logging backend");
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static String string(String key, Object v) {
    if (!(v instanceof String s)) throw invalid("log setting '" + key + "' must be a string, got " + v);
    return s;
  }

  private static boolean bool(String key, Object v) {
    if (!(v instanceof Boolean b)) throw invalid("log setting '" + key + "' must be true or false, got " + v);
    return b;
  }

  private static int level(Object v) {
    if (!(v instanceof Long n) || n < 0 || n > Integer.MAX_VALUE)
      throw invalid("log setting 'log_verbose_level' must be a non-negative integer, got " + v);
    return n.intValue();
  }

  private static final class Id extends ExtensionId<LogControl> {
    @Override
    public LogControl createExtension(ActorSystem<?> system) {
      return new LogControl(system);
    }
  }
}
