package io.inferencia.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk (C, from the OS packages) as a load generator: on a small machine a Java client burns a fifth of
 * the cores that the server needs, so wrk measures the server rather than the client.
 */
final class WrkLoad {
  private WrkLoad() {}

  /** @param requests completed requests; {@code non2xx} those with another status */
  record Result(long requests, long non2xx, double seconds, double p50, double p90, double p99) {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** POSTs {@code jsonBody} to {@code url} from {@code connections} connections for {@code seconds}. */
  static Result post(String url, String jsonBody, int connections, double seconds) throws IOException, InterruptedException {
    Path script = Files.createTempFile("wrk-post", ".lua");
    Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = [[" + jsonBody + "]]\n"
        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n", StandardCharsets.UTF_8);
    Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + Math.round(seconds) + "s", "--latency",
        "-s", script.toString(), url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException("wrk failed:\n" + out);
    return new Result(
        number(out, "(\\d+) requests in").orElseThrow(() -> new IOException("unreadable wrk output:\n" + out)).longValue(),
        number(out, "Non-2xx or 3xx responses: (\\d+)").orElse(0.0).longValue(),
        number(out, "requests in ([\\d.]+)s").orElse(seconds),
        millis(out, "50%"), millis(out, "90%"), millis(out, "99%"));
  }

  private static Optional<Double> number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }

  private static double millis(String out, String percentile) {
    Matcher m = Pattern.compile(percentile + "\\s+([\\d.]+)(us|ms|s)").matcher(out);
    if (!m.find()) return Double.NaN;
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }
}
