package io.inferencia.edge.jobs;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.protocols.audio.WavHeaderParser;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.stego.StegoLayout;
import io.inferencia.protocols.stego.StegoParams;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * Checks a stego job before it is accepted, so that no work starts that must fail: the parameters, the
 * secret (an upload of the caller's own, or a short text), and the cover's WAV header, read from the
 * object's first bytes only (never its samples). A secret that does not fit the cover is refused with
 * 422 and the numbers.
 */
final class StegoSubmissions {
  private static final int READ_STEP = 64 * 1024;

  private final ObjectStore objects;
  private final Executor blocking;
  private final long secretLimit;
  /** Checks that a secret's URI is an upload of the tenant's own. */
  private final BiFunction<String, String, S3Uri> ownUpload;

  StegoSubmissions(ObjectStore objects, Executor blocking, long secretLimit, BiFunction<String, String, S3Uri> ownUpload) {
    this.objects = objects;
    this.blocking = blocking;
    this.secretLimit = secretLimit;
    this.ownUpload = ownUpload;
  }

  /** Completes when the job can run; fails with the problem otherwise. */
  CompletionStage<Void> check(String tenant, TaskCatalog.Kind kind, Map<String, String> params, ObjectInfo input) {
    String key = params.get(StegoParams.KEY);
    if (key != null && key.getBytes(StandardCharsets.UTF_8).length > StegoParams.MAX_KEY_BYTES)
      throw ApiProblem.badRequest("invalid-stego-key", "'key' is over " + StegoParams.MAX_KEY_BYTES + " bytes");
    if (kind == TaskCatalog.Kind.STEGO_DECODE)
      return CompletableFuture.runAsync(() -> {
        StegoLayout layout = layout(input);
        if (!layout.holdsHeader())
          throw ApiProblem.unprocessable("no-payload", "the file's " + layout.samples() + " samples are too few to carry a payload");
      }, blocking);
    Secret secret = secret(tenant, params);
    return CompletableFuture.runAsync(() -> {
      Secret sized = secret.bytes() >= 0 ? secret : uploaded(secret.uri());
      StegoLayout layout = layout(input);
      long capacity = layout.payloadCapacityBytes(sized.contentTypeBytes());
      if (sized.bytes() > capacity)
        throw ApiProblem.unprocessable("secret-too-large", "the secret (" + sized.bytes() + " bytes) does not fit the cover: its "
            + layout.samples() + " samples carry at most " + capacity + " bytes of payload (1 bit per sample, less "
            + (StegoLayout.HEADER_BYTES + sized.contentTypeBytes()) + " bytes of frame)");
    }, blocking);
  }

  /** An inline secret has its size; an uploaded one its URI (its size and type are read from storage). */
  private record Secret(long bytes, S3Uri uri, int contentTypeBytes) {}

  private Secret secret(String tenant, Map<String, String> params) {
    String text = params.get(StegoParams.SECRET_TEXT);
    String object = params.get(StegoParams.SECRET);
    if ((text == null) == (object == null))
      throw ApiProblem.badRequest("invalid-stego-secret", "stego.encode needs exactly one of params '" + StegoParams.SECRET
          + "' (an upload: s3://...) and '" + StegoParams.SECRET_TEXT + "' (a text of up to " + StegoParams.MAX_TEXT_BYTES + " bytes)");
    if (text != null) {
      int bytes = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > StegoParams.MAX_TEXT_BYTES)
        throw ApiProblem.badRequest("invalid-stego-secret", "'" + StegoParams.SECRET_TEXT + "' is " + bytes + " bytes, over "
            + StegoParams.MAX_TEXT_BYTES + "; upload a longer secret and pass it as '" + StegoParams.SECRET + "'");
      return new Secret(bytes, null, StegoParams.TEXT_TYPE.length());
    }
    return new Secret(-1, ownUpload.apply(tenant, object), 0);
  }

  /** Blocking: an uploaded secret's size and content type, within the limit. */
  private Secret uploaded(S3Uri uri) {
    ObjectInfo info = head(uri).orElseThrow(() -> ApiProblem.notFound("secret-not-found",
        "secret " + uri + " does not exist (was the upload completed?)"));
    if (info.size() > secretLimit)
      throw ApiProblem.tooLarge("secret-too-large", "secret " + uri + " is " + info.size() + " bytes; the limit is " + secretLimit);
    String type = info.contentType() == null || info.contentType().isBlank() ? "application/octet-stream" : info.contentType();
    return new Secret(info.size(), uri, type.getBytes(StandardCharsets.UTF_8).length);
  }

  private java.util.Optional<ObjectInfo> head(S3Uri uri) {
    try {
      return objects.head(uri);
    } catch (StorageException e) {
      throw ApiProblem.storageUnavailable(e);
    }
  }

  /** Blocking: the layout of the WAV's samples, from its header alone; 422 for a WAV the stego tasks cannot take. */
  private StegoLayout layout(ObjectInfo input) {
    WavHeaderParser parser = new WavHeaderParser();
    try (InputStream in = objects.openStream(input.uri())) {
      byte[] buffer = new byte[READ_STEP];
      long read = 0;
      while (true) {
        int n = in.read(buffer);
        if (n < 0) throw parser.endedEarly();
        read += n;
        if (parser.feed(ByteBuffer.wrap(buffer, 0, n))) break;
        if (read > WavHeaderParser.MAX_HEADER_BYTES) throw parser.endedEarly();
      }
      WavHeaderParser.DataChunk data = parser.data();
      long available = input.size() - data.offset();
      if (data.declaredSize() > available)
        throw ApiProblem.unprocessable("invalid-wav", "the WAV header declares " + data.declaredSize()
            + " bytes of samples but the file holds " + Math.max(0, available) + " after its header (truncated, or a lying header)");
      return StegoLayout.ofDataBytes(data.declaredSize());
    } catch (InferenceException e) {
      throw ApiProblem.unprocessable("invalid-wav", input.uri() + ": " + e.getMessage());
    } catch (IOException | StorageException e) {
      throw ApiProblem.unavailable("storage-unavailable", "reading the WAV header of " + input.uri() + " failed: " + e.getMessage());
    }
  }
}
