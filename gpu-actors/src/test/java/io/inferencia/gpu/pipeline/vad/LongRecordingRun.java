package io.inferencia.gpu.pipeline.vad;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Runs {@link StreamingVad} over a generated {@link ToneAndSilenceWav} of {@code args[0]} seconds with
 * the {@link EnergyInferer}, in a JVM that {@link StreamingVadMemoryTest} starts with a small heap. At
 * four points of the input it collects garbage and reports the heap still in use. Prints lines
 * "segment START END", "samples N", "calls N" and "heap-kib A B C D"; exits 0 when the run succeeded.
 */
public final class LongRecordingRun {
  private LongRecordingRun() {}

  public static void main(String[] args) {
    try {
      run(Long.parseLong(args[0]));
      System.exit(0);
    } catch (Throwable e) {
      e.printStackTrace(System.out);
      System.exit(1);
    }
  }

  private static void run(long seconds) throws Exception {
    long dataBytes = seconds * ToneAndSilenceWav.RATE * 2;
    long[] probes = {dataBytes / 10, dataBytes * 4 / 10, dataBytes * 7 / 10, dataBytes * 95 / 100};
    List<Long> heapKib = new ArrayList<>();
    ToneAndSilenceWav wav = new ToneAndSilenceWav(seconds, written -> probeHeap(written, probes, heapKib));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "long-recording");
    ExecutorService cpu = Executors.newFixedThreadPool(2);
    try {
      EnergyInferer energy = new EnergyInferer();
      StreamingVad vad = new StreamingVad(energy, "vad", cpu, SegmentationParams.defaults());
      Source<ByteString, ?> source = Source.fromIterator(() -> wav).map(ByteString::fromArrayUnsafe);
      VadResult result = vad.run(source, Materializer.matFromSystem(system)).toCompletableFuture().get(5, TimeUnit.MINUTES);
      for (SpeechSegment s : result.segments()) System.out.println("segment " + s.start() + " " + s.end());
      System.out.println("samples " + result.samples());
      System.out.println("calls " + energy.calls());
      System.out.println("heap-kib " + String.join(" ", heapKib.stream().map(String::valueOf).toList()));
    } finally {
      system.terminate();
      cpu.shutdown();
    }
  }

  /** Before the first piece at or after each probe offset: a full collection, then the heap still in use. */
  private static void probeHeap(long written, long[] probes, List<Long> heapKib) {
    if (heapKib.size() == probes.length || written < probes[heapKib.size()]) return;
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    heapKib.add((runtime.totalMemory() - runtime.freeMemory()) >> 10);
  }
}
