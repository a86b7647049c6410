package io.inferencia.node.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.inferencia.gpu.jobs.JobOutput;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A result that is a file of its own goes to storage by multipart upload against the node's real S3
 * endpoint: published only when complete, never half-written, and what a lost attempt left open is
 * aborted by the next attempt before it starts.
 */
class ResultUploadTest {
  private static InProcessNode node;
  private static ObjectStore objects;
  private static ExecutorService blocking;
  private static Materializer mat;

  @BeforeAll
  static void node() throws Exception {
    node = OpenNode.get();
    objects = node.services.storage().objects();
    blocking = Executors.newFixedThreadPool(4);
    mat = Materializer.matFromSystem(node.system);
  }

  @AfterAll
  static void stop() {
    blocking.shutdownNow();
  }

  @Test
  void aRetriedAttemptAbortsWhatTheLostOneLeftOpenAndPublishesOnlyItsCompleteResult() throws Exception {
    String jobId = UUID.randomUUID().toString();
    JobOutput lost = output(jobId, 1);
    S3Uri lostUri = lost.uri("wav");
    // Attempt 1's worker died mid-file: its upload is open, with one part in.
    String open = objects.createMultipartUpload(lostUri, "audio/wav");
    objects.uploadPart(lostUri, open, 1, new byte[5 * 1024 * 1024]);
    assertEquals(List.of(open), objects.openMultipartUploads(lostUri));

    byte[] bytes = new byte[20 * 1024 * 1024 + 12_345]; // two full 8 MiB parts and a short one
    new Random(31).nextBytes(bytes);
    JobOutput retry = output(jobId, 2);
    ObjectInfo info = pieces(bytes).runWith(retry.upload("wav", "audio/wav"), mat).toCompletableFuture().get(60, TimeUnit.SECONDS);

    assertEquals(List.of(), objects.openMultipartUploads(lostUri), "the lost attempt's upload was aborted");
    assertTrue(objects.head(lostUri).isEmpty(), "the lost attempt published nothing");
    assertEquals(retry.uri("wav"), info.uri());
    assertEquals(bytes.length, info.size());
    try (InputStream in = objects.openStream(retry.uri("wav"))) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
  }

  @Test
  void aStreamThatFailsMidFilePublishesNothingAndLeavesNoUploadOpen() throws Exception {
    JobOutput attempt = output(UUID.randomUUID().toString(), 1);
    byte[] bytes = new byte[12 * 1024 * 1024];
    Source<ByteString, ?> failing = pieces(bytes).concat(Source.failed(new IllegalStateException("worker lost its input")));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> failing.runWith(attempt.upload("wav", "audio/wav"), mat).toCompletableFuture().get(60, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("worker lost its input"), e.toString());
    S3Uri uri = attempt.uri("wav");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> objects.openMultipartUploads(uri).isEmpty());
    assertTrue(objects.head(uri).isEmpty());
  }

  private static JobOutput output(String jobId, int attempt) {
    return new JobOutput(objects, objects.resultsBucket(), jobId, attempt, blocking, done -> {});
  }

  private static Source<ByteString, ?> pieces(byte[] bytes) {
    List<ByteString> out = new ArrayList<>();
    for (int at = 0; at < bytes.length; at += 1 << 20)
      out.add(ByteString.fromArray(bytes, at, Math.min(1 << 20, bytes.length - at)));
    return Source.from(out);
  }
}
