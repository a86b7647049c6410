package io.inferencia.gpu.pipeline.stego;

import io.inferencia.protocols.audio.WavFormat;
import io.inferencia.protocols.stego.StegoLayout;
import org.apache.pekko.util.ByteString;

/** A piece of a WAV file as {@link CoverSplitter} cuts it. */
sealed interface CoverPiece {
  /** The bytes before the samples, kept as they are; the layout of the samples that follow. */
  record Header(ByteString bytes, WavFormat format, StegoLayout layout) implements CoverPiece {}

  /** Chunk {@code index} of the samples: little-endian 16-bit samples, {@code layout.chunkLength(index)} of them. */
  record Samples(int index, byte[] pcm) implements CoverPiece {
    int length() {
      return pcm.length / 2;
    }
  }

  /** Bytes after the samples (an odd data byte, chunks after the data chunk), kept as they are. */
  record Trailer(ByteString bytes) implements CoverPiece {}
}
