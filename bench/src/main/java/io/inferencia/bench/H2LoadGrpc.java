package io.inferencia.bench;

import io.inferencia.protocols.grpc.ModelInferRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same ModelInfer call driven by h2load (nghttp2, C) over one HTTP/2 connection with one stream
 * per client: a load generator that costs a tenth of the Java client's CPU, so the row shows the
 * server with most of the machine to itself. h2load knows nothing of gRPC, so every response must
 * carry at least the bytes of a real answer or the run counts as failed.
 */
final class H2LoadGrpc {
  private static final Pattern TRAFFIC = Pattern.compile("traffic: .*?\\((\\d+)\\) total.*?\\((\\d+)\\) data");
  private static final Pattern DONE = Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed");
  private static final Pattern TIMES = Pattern.compile("CPU ([\\d.]+) ([\\d.]+)");
  private static final Pattern FINISHED = Pattern.compile("finished in ([\\d.]+)s");

  private H2LoadGrpc() {}

  /** Summary of the run and the CPU share (of all cores) h2load used. */
  record Result(LatencyRecorder.Summary summary, double clientCpu) {}

  static boolean available() {
    try {
      Process p = new ProcessBuilder("h2load", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The request as a gRPC message on the wire: uncompressed flag, 4-byte big-endian length, protobuf. */
  static byte[] framed(ModelInferRequest request) {
    byte[] body = request.toByteArray();
    return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(body.length).put(body).array();
  }

  /**
   * Runs {@code clients} concurrent streams for {@code seconds}; {@code minResponseBytes} is the size of
   * the smallest real answer (the output tensor's bytes).
   */
  static Result run(int grpcPort, ModelInferRequest request, int clients, double seconds, long minResponseBytes,
      int cores) throws IOException, InterruptedException {
    return run("http://127.0.0.1:" + grpcPort + "/inference.GRPCInferenceService/ModelInfer", framed(request),
        List.of("content-type:application/grpc", "te:trailers"), false, clients, seconds, minResponseBytes, cores);
  }

  /**
   * POSTs {@code body} to {@code url} with {@code headers} from {@code clients} concurrent requests for
   * {@code seconds}: as streams of one HTTP/2 connection, or ({@code http1}) over as many HTTP/1.1
   * connections, one request at a time on each.
   */
  static Result run(String url, byte[] body, List<String> headers, boolean http1, int clients, double seconds,
      long minResponseBytes, int cores) throws IOException, InterruptedException {
    Path bodyFile = Files.createTempFile("h2load", ".bin");
    Path log = Files.createTempFile("h2load", ".log");
    try {
      Files.write(bodyFile, body);
      List<String> args = new java.util.ArrayList<>(http1
          ? List.of("h2load", "--h1", "-t1", "-c" + clients, "-m1")
          : List.of("h2load", "-t1", "-c1", "-m" + clients));
      args.addAll(List.of("-D" + Math.max(1, Math.round(seconds)), "-d", bodyFile.toString(), "--log-file=" + log));
      for (String h : headers) args.addAll(List.of("-H", h));
      args.add(url);
      // bash's time keyword reports the CPU h2load used; h2load's own output has no such figure.
      Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='CPU %3U %3S'; time " + String.join(" ", args))
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) throw new IOException("h2load failed:\n" + out);
      return parse(out, Files.readAllLines(log), seconds, minResponseBytes, cores);
    } finally {
      Files.deleteIfExists(bodyFile);
      Files.deleteIfExists(log);
    }
  }

  static Result parse(String out, List<String> logLines, double seconds, long minResponseBytes, int cores)
      throws IOException {
    Matcher done = DONE.matcher(out);
    Matcher traffic = TRAFFIC.matcher(out);
    if (!done.find() || !traffic.find()) throw new IOException("unreadable h2load output:\n" + out);
    long succeeded = Long.parseLong(done.group(3));
    long failed = Long.parseLong(done.group(4));
    long data = Long.parseLong(traffic.group(2));
    // A gRPC error is an HTTP 200 with an empty body: too few bytes means answers were not inferences.
    long errors = failed + (succeeded > 0 && data / succeeded < minResponseBytes ? succeeded : 0);
    long[] micros = logLines.stream().map(l -> l.split("\t")).filter(f -> f.length >= 3)
        .mapToLong(f -> Long.parseLong(f[2].trim())).sorted().toArray();
    double clientCpu = Double.NaN;
    Matcher finished = FINISHED.matcher(out);
    double elapsed = finished.find() ? Double.parseDouble(finished.group(1)) : seconds;
    Matcher t = TIMES.matcher(out);
    if (t.find()) clientCpu = (Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2))) / elapsed / cores;
    LatencyRecorder.Summary s = new LatencyRecorder.Summary(
        errors > 0 ? 0 : succeeded / elapsed, pct(micros, 0.50), pct(micros, 0.95), pct(micros, 0.99), succeeded, errors);
    return new Result(s, clientCpu);
  }

  private static double pct(long[] sortedMicros, double p) {
    if (sortedMicros.length == 0) return Double.NaN;
    int i = (int) Math.min(sortedMicros.length - 1, Math.ceil(p * sortedMicros.length) - 1);
    return sortedMicros[Math.max(0, i)] / 1e3;
  }
}
