package io.inferencia.edge.jobs;

import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.time.Duration;

/**
 * The pre-signed URL of a job's result. A result document ({@code .json}) opens in place; a result
 * that is a file of its own (an encoded WAV, a recovered secret) is served as an attachment named after
 * its key, so a browser saves it rather than tries to play or render it.
 */
final class ResultLinks {
  private ResultLinks() {}

  static String url(ObjectStore objects, S3Uri result, Duration ttl) {
    String key = result.key();
    if (key.endsWith(".json")) return objects.presignGet(result, ttl).url();
    return objects.presignDownload(result, ttl, key.substring(key.lastIndexOf('/') + 1)).url();
  }
}
