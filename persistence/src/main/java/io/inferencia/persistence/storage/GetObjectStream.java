package io.inferencia.persistence.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * An object's body that drops the connection when closed before the end. The HTTP client would otherwise read
 * the rest of the object, possibly gigabytes, just to reuse the connection (a cancelled download, say).
 */
final class GetObjectStream extends FilterInputStream {
  private final ResponseInputStream<?> response;
  private final long length;
  private long read;
  private boolean ended;

  GetObjectStream(ResponseInputStream<?> response, long length) {
    super(response);
    this.response = response;
    this.length = length;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    count(b < 0 ? -1 : 1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    count(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    read += skipped;
    return skipped;
  }

  @Override
  public void close() throws IOException {
    if (!ended && read < length) response.abort();
    super.close();
  }

  private void count(int n) {
    if (n < 0) ended = true;
    else read += n;
  }
}
