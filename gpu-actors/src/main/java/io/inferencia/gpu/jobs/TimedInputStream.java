package io.inferencia.gpu.jobs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.LongAdder;

/** Counts the time spent inside reads (waiting for storage), for a task's stage times. */
final class TimedInputStream extends FilterInputStream {
  private final LongAdder nanos;

  TimedInputStream(InputStream in, LongAdder nanos) {
    super(in);
    this.nanos = nanos;
  }

  @Override
  public int read() throws IOException {
    long start = System.nanoTime();
    try {
      return super.read();
    } finally {
      nanos.add(System.nanoTime() - start);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long start = System.nanoTime();
    try {
      return super.read(b, off, len);
    } finally {
      nanos.add(System.nanoTime() - start);
    }
  }
}
