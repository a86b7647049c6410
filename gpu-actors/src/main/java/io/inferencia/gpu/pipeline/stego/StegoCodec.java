package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.inference.DataType;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.inference.Inferer;
import io.inferencia.protocols.inference.Tensor;
import io.inferencia.protocols.stego.StegoLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Steganography over a streamed WAV: each chunk of samples goes through {@code stego_encode} or
 * {@code stego_decode} on the inference core (so chunks of many jobs batch together), with its keyed
 * positions computed on {@code executor}. A few chunks are in flight at once; memory stays bounded by
 * them whatever the file's size.
 */
public final class StegoCodec {
  /** Chunks in flight per file: enough to keep the batcher fed while the next chunk is read. */
  private static final int IN_FLIGHT = 4;
  private static final long[] SHAPE = {1, StegoLayout.CHUNK_SAMPLES};

  private final Inferer inferer;
  private final Executor executor;
  private final String encodeModel;
  private final String decodeModel;

  public StegoCodec(Inferer inferer, Executor executor, String encodeModel, String decodeModel) {
    this.inferer = inferer;
    this.executor = executor;
    this.encodeModel = encodeModel;
    this.decodeModel = decodeModel;
  }

  public StegoCodec(Inferer inferer, Executor executor) {
    this(inferer, executor, StegoModels.ENCODE, StegoModels.DECODE);
  }

  /**
   * The cover with the frame in its samples' least significant bits, every other byte unchanged.
   * {@code progress} hears the cover bytes done so far, {@code modelNanos} each chunk's model call time.
   */
  public Flow<ByteString, ByteString, NotUsed> encode(StegoFrame frame, byte[] key, long coverBytes, LongConsumer progress,
      LongConsumer modelNanos) {
    KeyedPositions positions = new KeyedPositions(key);
    return split(coverBytes)
        .statefulMap(() -> new EncodeState(frame), EncodeState::plan, state -> Optional.empty())
        .mapAsync(IN_FLIGHT, work -> work.samples() == null
            ? CompletableFuture.completedFuture(work.verbatim())
            : timed(encodeChunk(positions, work), modelNanos))
        .statefulMap(() -> new long[1], (done, bytes) -> {
          done[0] += bytes.size();
          progress.accept(done[0]);
          return Pair.create(done, bytes);
        }, done -> Optional.empty());
  }

  /** The frame the file carries under {@code key}; reading stops once its last bit is in. */
  public Sink<ByteString, CompletionStage<StegoFrame>> decode(byte[] key, long fileBytes, long maxPayloadBytes,
      LongConsumer modelNanos) {
    KeyedPositions positions = new KeyedPositions(key);
    return split(fileBytes)
        .filter(piece -> !(piece instanceof CoverPiece.Trailer))
        .mapAsync(IN_FLIGHT, piece -> piece instanceof CoverPiece.Samples s
            ? timed(decodeChunk(positions, s), modelNanos).thenApply(bits -> (Object) new DecodedChunk(s.index(), bits))
            : CompletableFuture.completedFuture((Object) piece))
        .statefulMap(() -> new FrameReader[1], (reader, item) -> {
          if (item instanceof CoverPiece.Header h) {
            reader[0] = new FrameReader(h.layout(), maxPayloadBytes);
            return Pair.create(reader, Optional.<StegoFrame>empty());
          }
          DecodedChunk chunk = (DecodedChunk) item;
          return Pair.create(reader, reader[0].next(chunk.index(), chunk.bits()));
        }, reader -> Optional.empty())
        .filter(Optional::isPresent)
        .map(Optional::get)
        .take(1)
        .toMat(Sink.headOption(), (left, right) -> right.thenApply(found -> found.orElseThrow(() ->
            InferenceException.invalid("no payload found: the file ended before its payload did (truncated, or another key)"))));
  }

  private record DecodedChunk(int index, byte[] bits) {}

  /** The call's time from now to its answer, positions included. */
  private static <T> CompletionStage<T> timed(CompletionStage<T> call, LongConsumer nanos) {
    long start = System.nanoTime();
    return call.whenComplete((ok, error) -> nanos.accept(System.nanoTime() - start));
  }

  /** What the encoder does with a piece: bytes to pass on, or a chunk to encode with its bits. */
  private record Work(ByteString verbatim, CoverPiece.Samples samples, EncodePlan.ChunkBits bits) {}

  private static final class EncodeState {
    private final StegoFrame frame;
    private EncodePlan plan;

    EncodeState(StegoFrame frame) {
      this.frame = frame;
    }

    Pair<EncodeState, Work> plan(CoverPiece piece) {
      if (piece instanceof CoverPiece.Header h) {
        plan = new EncodePlan(frame, h.layout());
        return Pair.create(this, new Work(h.bytes(), null, null));
      }
      if (piece instanceof CoverPiece.Samples s) return Pair.create(this, new Work(null, s, plan.next(s.index())));
      return Pair.create(this, new Work(((CoverPiece.Trailer) piece).bytes(), null, null));
    }
  }

  /** The file's pieces; the end-of-file check runs only when the file did end (not on a failure or a cancel). */
  private static Flow<ByteString, CoverPiece, NotUsed> split(long fileBytes) {
    return Flow.<ByteString, CoverPiece, NotUsed>fromMaterializer((mat, attributes) -> {
          CoverSplitter splitter = new CoverSplitter(fileBytes);
          return Flow.of(ByteString.class)
              .mapConcat(splitter::feed)
              .concatLazy(Source.lazySource(() -> Source.from(splitter.finish())));
        })
        .mapMaterializedValue(ignored -> NotUsed.getInstance());
  }

  private CompletionStage<ByteString> encodeChunk(KeyedPositions keyed, Work work) {
    CoverPiece.Samples s = work.samples();
    return CompletableFuture.supplyAsync(() -> InferRequest.of(encodeModel, List.of(
            samples(s), positions(keyed.positions(s.index(), s.length(), work.bits().count())),
            new Tensor("bits", DataType.UINT8, SHAPE, work.bits().bits()),
            new Tensor("count", DataType.INT32, new long[] {1, 1}, littleEndian(new int[] {work.bits().count()})))), executor)
        .thenCompose(inferer::infer)
        .thenApply(response -> {
          byte[] out = output(response, "samples_out");
          return ByteString.fromArrayUnsafe(out, 0, s.pcm().length);
        });
  }

  private CompletionStage<byte[]> decodeChunk(KeyedPositions keyed, CoverPiece.Samples s) {
    return CompletableFuture.supplyAsync(() -> InferRequest.of(decodeModel, List.of(
            samples(s), positions(keyed.positions(s.index(), s.length(), s.length())))), executor)
        .thenCompose(inferer::infer)
        .thenApply(response -> output(response, "bits"));
  }

  private static Tensor samples(CoverPiece.Samples s) {
    byte[] padded = s.pcm().length == 2 * StegoLayout.CHUNK_SAMPLES
        ? s.pcm() : java.util.Arrays.copyOf(s.pcm(), 2 * StegoLayout.CHUNK_SAMPLES);
    return new Tensor("samples", DataType.INT16, SHAPE, padded);
  }

  private static Tensor positions(int[] positions) {
    return new Tensor("positions", DataType.INT32, SHAPE, littleEndian(positions));
  }

  private static byte[] littleEndian(int[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asIntBuffer().put(values);
    return buffer.array();
  }

  private static byte[] output(InferResponse response, String name) {
    return response.output(name).orElseThrow(() -> new IllegalStateException("the stego model answered no '" + name + "' output"))
        .data();
  }
}
