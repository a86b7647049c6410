package io.inferencia.gpu.pipeline.stego;

import static io.inferencia.gpu.testkit.Await.failure;
import static io.inferencia.gpu.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.InferenceCore;
import io.inferencia.gpu.testkit.Await;
import io.inferencia.gpu.testkit.TestModels;
import io.inferencia.gpu.testkit.TestWavs;
import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.stego.StegoLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Encode and decode through the generated models, served by a real inference core. */
class StegoCodecTest {
  private static final byte[] KEY = "a key for the tests".getBytes(StandardCharsets.UTF_8);
  private static ActorTestKit testKit;
  private static InferenceCore core;
  private static StegoCodec codec;
  private static ExecutorService executor;
  private static Materializer mat;

  @BeforeAll
  static void start() throws Exception {
    Path repo = Files.createTempDirectory("stego-test");
    TestModels.addShipped(repo, StegoModels.ENCODE);
    TestModels.addShipped(repo, StegoModels.DECODE);
    var config = TestModels.config(repo);
    testKit = ActorTestKit.create(config);
    core = InferenceCore.start(testKit.system(), config, List.of());
    Await.serverReady(core.gateway());
    executor = Executors.newFixedThreadPool(2);
    codec = new StegoCodec(core.gateway()::infer, executor);
    mat = Materializer.matFromSystem(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    executor.shutdownNow();
  }

  @Test
  void decodeOfEncodeGivesTheSecretBackAndOnlyLeastSignificantBitsChange() {
    // Stereo, two full chunks and a short one, an odd data byte and a chunk after the data.
    byte[] cover = TestWavs.noise(2, 2 * StegoLayout.CHUNK_SAMPLES + 70_001, 1, true);
    byte[] secret = new byte[40_000];
    new Random(2).nextBytes(secret);
    StegoFrame frame = new StegoFrame("audio/wav", secret);

    byte[] encoded = encode(cover, frame, KEY, 65_536);

    assertEquals(cover.length, encoded.length);
    int data = TestWavs.dataOffset(cover);
    int sampleBytes = (cover.length - data - 1 - 12 - 1) & ~1; // less the odd byte, its pad and the cue chunk
    assertArrayEquals(java.util.Arrays.copyOf(cover, data), java.util.Arrays.copyOf(encoded, data), "the header is the cover's");
    assertArrayEquals(java.util.Arrays.copyOfRange(cover, data + sampleBytes, cover.length),
        java.util.Arrays.copyOfRange(encoded, data + sampleBytes, encoded.length), "what follows the samples is the cover's");
    int changed = 0;
    for (int i = data; i < data + sampleBytes; i += 2) {
      int before = (cover[i] & 0xFF) | (cover[i + 1] << 8);
      int after = (encoded[i] & 0xFF) | (encoded[i + 1] << 8);
      assertTrue((before ^ after) <= 1, "sample at byte " + i + " changed above its LSB");
      if (before != after) changed++;
    }
    // About half the carrying samples already held the right bit.
    int carried = StegoLayout.HEADER_BITS + 8 * (secret.length + "audio/wav".length());
    assertTrue(changed > carried / 3 && changed < carried * 2 / 3, changed + " of " + carried);
    // Spread over every chunk, not packed at the start: the last chunk changed too.
    boolean lastChunkChanged = false;
    for (int i = data + 4 * StegoLayout.CHUNK_SAMPLES; i < data + sampleBytes && !lastChunkChanged; i++)
      lastChunkChanged = cover[i] != encoded[i];
    assertTrue(lastChunkChanged, "the short last chunk carries its share");

    StegoFrame decoded = result(decode(encoded, KEY, 1 << 20));
    assertEquals("audio/wav", decoded.contentType());
    assertArrayEquals(secret, decoded.payload());
  }

  @Test
  void aTinySecretInAMonoCoverOfOneShortChunk() {
    byte[] cover = TestWavs.noise(1, 5_000, 3, false);
    byte[] text = "meet at noon".getBytes(StandardCharsets.UTF_8);
    byte[] encoded = encode(cover, new StegoFrame("text/plain; charset=utf-8", text), KEY, 333);
    StegoFrame decoded = result(decode(encoded, KEY, 1 << 20));
    assertEquals("text/plain; charset=utf-8", decoded.contentType());
    assertArrayEquals(text, decoded.payload());
  }

  @Test
  void anotherKeyFindsNoPayload() {
    byte[] cover = TestWavs.noise(1, 100_000, 4, false);
    byte[] encoded = encode(cover, new StegoFrame("text/plain", "x".getBytes(StandardCharsets.UTF_8)), KEY, 8192);
    failure(decode(encoded, "another key".getBytes(StandardCharsets.UTF_8), 1 << 20), ErrorKind.INVALID_ARGUMENT,
        "no payload found");
  }

  @Test
  void aFileThatCarriesNothingHasNoPayload() {
    failure(decode(TestWavs.noise(1, 100_000, 5, false), KEY, 1 << 20), ErrorKind.INVALID_ARGUMENT, "no payload found");
  }

  @Test
  void changedSamplesFailTheCrc() {
    byte[] cover = TestWavs.noise(1, 2 * StegoLayout.CHUNK_SAMPLES, 6, false);
    byte[] secret = new byte[20_000];
    new Random(7).nextBytes(secret);
    byte[] encoded = encode(cover, new StegoFrame("application/octet-stream", secret), KEY, 100_000);
    int data = TestWavs.dataOffset(encoded);
    for (int i = data + 2 * StegoLayout.CHUNK_SAMPLES; i < encoded.length; i += 2) encoded[i] ^= 1; // every LSB of chunk 1
    failure(decode(encoded, KEY, 1 << 20), ErrorKind.INVALID_ARGUMENT, "CRC-32 does not match");
  }

  @Test
  void aSecretLargerThanTheCoverHoldsIsRefusedWithTheNumbers() {
    byte[] cover = TestWavs.noise(1, 10_000, 8, false);
    var failed = encodeStage(cover, new StegoFrame("application/octet-stream", new byte[2_000]), KEY, 4096);
    failure(failed, ErrorKind.INVALID_ARGUMENT, "10000 samples carry at most 1202 bytes of payload");
  }

  @Test
  void aCoverThatIsNot16BitPcmIsRefused() {
    byte[] cover = TestWavs.wav(1, 8, new byte[10_000], false);
    failure(encodeStage(cover, new StegoFrame("text/plain", new byte[1]), KEY, 4096), ErrorKind.INVALID_ARGUMENT,
        "only 16-bit PCM");
  }

  @Test
  void aHeaderThatClaimsMoreSamplesThanTheFileHoldsIsRefusedBeforeAnyWork() {
    byte[] cover = TestWavs.noise(1, 10_000, 9, false);
    byte[] cut = java.util.Arrays.copyOf(cover, cover.length - 5_000);
    failure(encodeStage(cut, new StegoFrame("text/plain", new byte[1]), KEY, 4096), ErrorKind.INVALID_ARGUMENT,
        "lying header");
  }

  @Test
  void aStreamCutShortOfItsSizeIsTruncated() {
    byte[] cover = TestWavs.noise(1, 10_000, 10, false);
    byte[] cut = java.util.Arrays.copyOf(cover, cover.length - 5_000);
    // The size given is the full one: the object shrank while it was read.
    failure(Source.single(ByteString.fromArray(cut)).via(codec.encode(new StegoFrame("text/plain", new byte[1]), KEY,
        cover.length, done -> {}, nanos -> {})).runWith(Sink.ignore(), mat), ErrorKind.INVALID_ARGUMENT, "truncated");
  }

  @Test
  void aTruncatedHeaderIsNotAWav() {
    failure(encodeStage(new byte[] {'R', 'I', 'F', 'F', 0, 0}, new StegoFrame("text/plain", new byte[1]), KEY, 4096),
        ErrorKind.INVALID_ARGUMENT, "not a RIFF/WAVE file");
  }

  private static byte[] encode(byte[] cover, StegoFrame frame, byte[] key, int pieceBytes) {
    return result(encodeStage(cover, frame, key, pieceBytes)).toArray();
  }

  private static CompletionStage<ByteString> encodeStage(byte[] cover, StegoFrame frame, byte[] key, int pieceBytes) {
    List<Long> progress = new ArrayList<>();
    return pieces(cover, pieceBytes).via(codec.encode(frame, key, cover.length, progress::add, nanos -> {}))
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat)
        .thenApply(out -> {
          assertEquals((long) cover.length, progress.get(progress.size() - 1));
          return out;
        });
  }

  private static CompletionStage<StegoFrame> decode(byte[] file, byte[] key, long maxPayload) {
    return pieces(file, 50_000).runWith(codec.decode(key, file.length, maxPayload, nanos -> {}), mat);
  }

  /** The file as storage would stream it: pieces that cut headers and samples anywhere. */
  private static Source<ByteString, ?> pieces(byte[] file, int pieceBytes) {
    List<ByteString> out = new ArrayList<>();
    for (int at = 0; at < file.length; at += pieceBytes)
      out.add(ByteString.fromArray(file, at, Math.min(pieceBytes, file.length - at)));
    return Source.from(out);
  }
}
