package io.inferencia.bench;

import java.util.Arrays;

/**
 * {@code java -jar bench.jar [inference|jobs|edge-hop|job-scaling|stego|cost|memory] [--option value ...]}: the inference
 * benchmark (raw ONNX Runtime against served gRPC/REST per batching setting), the jobs benchmark, sync
 * inference through an edge-only node against local serving, or OCR jobs/s with 1, 2, 3 gpu-only JVMs
 * behind one edge-only node, or stego.encode MB/s on 50 and 500 MB covers, or the node's CPU per served item
 * split into inference threads and overhead (cost), or the node's RSS under a mixed soak and after it
 * (memory); inference by default.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jobs")) JobsBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else if (args.length > 0 && args[0].equals("edge-hop")) EdgeHopBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else if (args.length > 0 && args[0].equals("job-scaling")) JobScalingBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else if (args.length > 0 && args[0].equals("cost")) ServingCostBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else if (args.length > 0 && args[0].equals("memory")) MemorySoakBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else if (args.length > 0 && args[0].equals("stego")) StegoBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else if (args.length > 0 && args[0].equals("inference")) InferenceBenchmark.main(Arrays.copyOfRange(args, 1, args.length));
    else InferenceBenchmark.main(args);
  }
}
