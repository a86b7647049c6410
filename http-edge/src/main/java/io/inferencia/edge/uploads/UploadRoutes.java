package io.inferencia.edge.uploads;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.ApiRoutes;
import io.inferencia.edge.auth.Authorized;
import io.inferencia.protocols.storage.CompletedPart;
import io.inferencia.protocols.storage.ObjectInfo;
import io.inferencia.protocols.storage.ObjectStore;
import io.inferencia.protocols.storage.PresignedUrl;
import io.inferencia.protocols.storage.S3Uri;
import io.inferencia.protocols.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /v1/uploads}: hands out pre-signed URLs so that clients send their bytes straight to object
 * storage. Up to {@code uploads.single-put-max} one PUT URL; above, an S3 multipart upload with URLs
 * for the first parts, more on request, and completion. Keys are chosen here, under the caller's
 * tenant prefix; declared size and type are signed into the URLs and checked again at completion.
 */
public final class UploadRoutes extends ApiRoutes {
  private final ObjectStore objects;
  private final Executor blocking;
  private final UploadSettings settings;
  private final String intakeBucket;

  private final UploadLedger ledger;

  public UploadRoutes(Authorized auth, ObjectStore objects, Executor blocking, UploadSettings settings, String intakeBucket) {
    this(auth, objects, blocking, settings, intakeBucket, UploadLedger.unlimited());
  }

  public UploadRoutes(Authorized auth, ObjectStore objects, Executor blocking, UploadSettings settings, String intakeBucket,
      UploadLedger ledger) {
    super(auth);
    this.ledger = ledger;
    this.objects = objects;
    this.blocking = blocking;
    this.settings = settings;
    this.intakeBucket = intakeBucket;
  }

  public Route route() {
    return pathPrefix("uploads", () -> withTenant(tenant -> concat(
        pathEndOrSingleSlash(() -> post(() -> withBody(UploadBodies.Create.class, UploadBodies::problemType,
            body -> replyJson(create(tenant, body), StatusCodes.CREATED)))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            path("parts", () -> post(() -> withBody(UploadBodies.MoreParts.class, UploadBodies::problemType,
                body -> replyJson(moreParts(tenant, id, body), StatusCodes.OK)))),
            path("complete", () -> post(() -> withBody(UploadBodies.Complete.class, UploadBodies::problemType,
                body -> replyJson(complete(tenant, id, body), StatusCodes.OK)))),
            pathEndOrSingleSlash(() -> delete(() -> onComplete(abort(tenant, id), r -> r.isSuccess()
                ? complete(StatusCodes.NO_CONTENT)
                : problem(io.inferencia.edge.api.Problems.classify(r.failed().get()))))))))));
  }

  private CompletionStage<Object> create(String tenant, UploadBodies.Create body) {
    String filename = body.filename();
    String contentType = body.contentType();
    long size = body.size();
    if (size > settings.maxSize())
      throw ApiProblem.tooLarge("upload-too-large", "uploads are limited to " + settings.maxSize() + " bytes");
    S3Uri uri = new S3Uri(intakeBucket, UploadKeys.newKey(tenant, filename));
    long expires = Instant.now().plus(settings.sessionTtl()).getEpochSecond();
    // Nothing more can arrive once a single PUT's URL or a multipart session has lapsed.
    ledger.reserve(tenant, uri.key(), size, size <= settings.singlePutMax() ? settings.urlTtl() : settings.sessionTtl());
    CompletionStage<Object> created = storage(() -> {
      if (size <= settings.singlePutMax()) {
        // Presigning is local: one cheap call first, so that a client learns storage is down (503 with
        // Retry-After) now rather than from a PUT that fails.
        objects.head(uri);
        UploadToken token = new UploadToken(tenant, uri.key(), size, contentType, "", 0, expires);
        PresignedUrl put = objects.presignPut(uri, contentType, size, settings.urlTtl());
        return new SinglePut(token.encode(settings.signingKey()), uri.toString(), put.url(),
            put.expiresAt().toString(), put.signedHeaders());
      }
      String multipartId = objects.createMultipartUpload(uri, contentType);
      UploadToken token = new UploadToken(tenant, uri.key(), size, contentType, multipartId, settings.partSizeFor(size), expires);
      List<Integer> first = new ArrayList<>();
      for (int n = 1; n <= Math.min(token.partCount(), settings.firstParts()); n++) first.add(n);
      PartUrls urls = partUrls(token, uri, first);
      return new Multipart(token.encode(settings.signingKey()), uri.toString(), token.partSize(), token.partCount(),
          urls.parts(), urls.expiresAt().toString());
    });
    // A creation that failed (storage down) reserved nothing the client can use.
    return created.whenComplete((reply, failure) -> {
      if (failure != null) ledger.release(tenant, uri.key());
    });
  }

  private CompletionStage<PartUrlsReply> moreParts(String tenant, String id, UploadBodies.MoreParts body) {
    UploadToken token = multipartToken(tenant, id);
    List<Integer> wanted = body.within(token.partCount());
    S3Uri uri = new S3Uri(intakeBucket, token.key());
    return storage(() -> {
      PartUrls urls = partUrls(token, uri, wanted);
      return new PartUrlsReply(urls.parts(), urls.expiresAt().toString());
    });
  }

  /** Multipart: assembles exactly parts 1..N; single PUT: confirms the object arrived. Sizes must match what was declared. */
  private CompletionStage<Completed> complete(String tenant, String id, UploadBodies.Complete body) {
    UploadToken token = UploadToken.decode(id, settings.signingKey(), tenant, Instant.now().getEpochSecond());
    S3Uri uri = new S3Uri(intakeBucket, token.key());
    List<CompletedPart> parts = token.multipart() ? body.checked(token.partCount()) : List.of();
    ledger.release(tenant, token.key());
    return storage(() -> {
      ObjectInfo info;
      if (token.multipart()) {
        try {
          info = objects.completeMultipartUpload(uri, token.multipartId(), parts);
        } catch (StorageException e) {
          if (e.kind() == StorageException.Kind.NOT_FOUND)
            throw ApiProblem.notFound("upload-not-found", "the multipart upload no longer exists (completed or aborted)");
          if (e.kind() == StorageException.Kind.INVALID)
            throw ApiProblem.badRequest("upload-incomplete", "storage refused the parts: " + e.getMessage());
          throw e;
        }
      } else {
        info = objects.head(uri).orElseThrow(() ->
            ApiProblem.badRequest("upload-incomplete", "nothing was uploaded to the URL yet"));
      }
      if (info.size() != token.size()) {
        objects.delete(uri);
        throw ApiProblem.badRequest("upload-size-mismatch",
            "the upload has " + info.size() + " bytes but " + token.size() + " were declared; it was discarded");
      }
      return new Completed(uri.toString(), info.size(), token.contentType());
    });
  }

  private CompletionStage<Void> abort(String tenant, String id) {
    UploadToken token;
    try {
      token = UploadToken.decode(id, settings.signingKey(), tenant, Long.MIN_VALUE);
    } catch (ApiProblem p) {
      return CompletableFuture.failedFuture(p);
    }
    S3Uri uri = new S3Uri(intakeBucket, token.key());
    ledger.release(tenant, token.key());
    return storage(() -> {
      if (token.multipart()) {
        try {
          objects.abortMultipartUpload(uri, token.multipartId());
        } catch (StorageException e) {
          if (e.kind() != StorageException.Kind.NOT_FOUND) throw e;
        }
      }
      // Whatever was uploaded under this id is removed, completed or not.
      objects.delete(uri);
      return null;
    });
  }

  private UploadToken multipartToken(String tenant, String id) {
    UploadToken token = UploadToken.decode(id, settings.signingKey(), tenant, Instant.now().getEpochSecond());
    if (!token.multipart())
      throw ApiProblem.badRequest("not-multipart", "this upload is a single PUT; it has no parts");
    return token;
  }

  /** A single-PUT upload: one URL, to be sent with exactly the signed {@code headers}. */
  record SinglePut(String uploadId, String input, String url, String expiresAt, Map<String, String> headers) {}

  /** A multipart upload: its part size and count, and URLs for the first parts. */
  record Multipart(String uploadId, String input, long partSize, int partCount, List<PartUrl> parts, String expiresAt) {}

  record PartUrl(int partNumber, long size, String url) {}

  record PartUrlsReply(List<PartUrl> parts, String expiresAt) {}

  record Completed(String input, long size, String contentType) {}

  private record PartUrls(List<PartUrl> parts, Instant expiresAt) {}

  private PartUrls partUrls(UploadToken token, S3Uri uri, List<Integer> numbers) {
    List<PartUrl> arr = new ArrayList<>();
    Instant expires = Instant.MAX;
    for (int n : numbers) {
      PresignedUrl url = objects.presignUploadPart(uri, token.multipartId(), n, token.partLength(n), settings.urlTtl());
      arr.add(new PartUrl(n, token.partLength(n), url.url()));
      if (url.expiresAt().isBefore(expires)) expires = url.expiresAt();
    }
    return new PartUrls(arr, expires);
  }

  /** Storage calls block: they run on the edge's blocking executor; storage trouble is a 503. */
  private <T> CompletionStage<T> storage(Supplier<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.get();
      } catch (StorageException e) {
        throw ApiProblem.storageUnavailable(e);
      }
    }, blocking);
  }
}
