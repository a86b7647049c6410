package io.inferencia.gpu.pipeline.stego;

import static io.inferencia.gpu.pipeline.stego.OnnxGraph.ElementType.INT16;
import static io.inferencia.gpu.pipeline.stego.OnnxGraph.ElementType.INT32;
import static io.inferencia.gpu.pipeline.stego.OnnxGraph.ElementType.UINT8;

import io.inferencia.protocols.stego.StegoLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The two steganography graphs, generated at build time into the model repository (the build runs
 * {@link #main}). Both work on batches of chunks of {@link StegoLayout#CHUNK_SAMPLES} 16-bit samples and
 * the chunk's keyed permutation of sample positions (computed by the worker: a key has no place in a
 * shared model).
 *
 * <p>{@code stego_encode}: for the first {@code count} positions of the permutation, the sample's least
 * significant bit becomes the payload bit; every other sample is returned unchanged. Arithmetic in int32:
 * {@code s - (s mod 2) + b} with ONNX's integer Mod (the sign of the divisor) clears the LSB of negative
 * samples as of positive ones.
 *
 * <p>{@code stego_decode}: the least significant bit of the sample at each position of the permutation.
 */
public final class StegoModels {
  public static final String ENCODE = "stego_encode";
  public static final String DECODE = "stego_decode";
  private static final int OPSET = 13;
  private static final int TO_INT32 = 6;
  private static final int TO_INT16 = 5;
  private static final int TO_UINT8 = 2;

  private StegoModels() {}

  static byte[] encodeGraph() {
    long n = StegoLayout.CHUNK_SAMPLES;
    return new OnnxGraph(ENCODE, OPSET)
        .input("samples", INT16, -1, n)
        .input("positions", INT32, -1, n)
        .input("bits", UINT8, -1, n)
        .input("count", INT32, -1, 1)
        .output("samples_out", INT16, -1, n)
        .constant("zero", 0)
        .constant("one", 1)
        .constant("two", 2)
        .constant("chunk", (int) n)
        .node("Cast", List.of("samples"), "wide", "to", TO_INT32)
        .node("GatherElements", List.of("wide", "positions"), "picked", "axis", 1)
        .node("Mod", List.of("picked", "two"), "picked_lsb")
        .node("Sub", List.of("picked", "picked_lsb"), "cleared")
        .node("Cast", List.of("bits"), "bits_wide", "to", TO_INT32)
        .node("Mod", List.of("bits_wide", "two"), "bit") // a caller's 5 is a 1, never a change above the LSB
        .node("Add", List.of("cleared", "bit"), "embedded")
        .node("Range", List.of("zero", "chunk", "one"), "rank")
        .node("Less", List.of("rank", "count"), "carries")
        .node("Where", List.of("carries", "embedded", "picked"), "chosen")
        .node("ScatterElements", List.of("wide", "positions", "chosen"), "written", "axis", 1)
        .node("Cast", List.of("written"), "samples_out", "to", TO_INT16)
        .toBytes();
  }

  static byte[] decodeGraph() {
    long n = StegoLayout.CHUNK_SAMPLES;
    return new OnnxGraph(DECODE, OPSET)
        .input("samples", INT16, -1, n)
        .input("positions", INT32, -1, n)
        .output("bits", UINT8, -1, n)
        .constant("two", 2)
        .node("Cast", List.of("samples"), "wide", "to", TO_INT32)
        .node("GatherElements", List.of("wide", "positions"), "picked", "axis", 1)
        .node("Mod", List.of("picked", "two"), "lsb")
        .node("Cast", List.of("lsb"), "bits", "to", TO_UINT8)
        .toBytes();
  }

  /** Writes {@code <repository>/stego_{encode,decode}/1/model.onnx}, leaving files that are already current. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) throw new IllegalArgumentException("usage: StegoModels <model repository>");
    Path repository = Path.of(args[0]);
    write(repository.resolve(ENCODE).resolve("1").resolve("model.onnx"), encodeGraph());
    write(repository.resolve(DECODE).resolve("1").resolve("model.onnx"), decodeGraph());
  }

  private static void write(Path file, byte[] model) throws IOException {
    if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), model)) return;
    Files.createDirectories(file.getParent());
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.write(partial, model);
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
