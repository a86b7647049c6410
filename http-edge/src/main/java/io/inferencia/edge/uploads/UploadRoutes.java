package io.inferencia.edge.uploads;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.api.ApiRoutes;
import io.inferencia.edge.api.Tenants;
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
import java.util.regex.Pattern;
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
  private static final Pattern CONTENT_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*");
  private static final int MAX_PARTS_PER_CALL = 1000;

  private final ObjectStore objects;
  private final Executor blocking;
  private final UploadSettings settings;
  private final String intakeBucket;

  public UploadRoutes(Tenants tenants, ObjectStore objects, Executor blocking, UploadSettings settings, String intakeBucket) {
    super(tenants);
    this.objects = objects;
    this.blocking = blocking;
    this.settings = settings;
    this.intakeBucket = intakeBucket;
  }

  public Route route() {
    return pathPrefix("uploads", () -> withTenant(tenant -> concat(
        pathEndOrSingleSlash(() -> post(() -> withJsonBody(body -> replyJson(create(tenant, body), StatusCodes.CREATED)))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            path("parts", () -> post(() -> withJsonBody(body -> replyJson(moreParts(tenant, id, body), StatusCodes.OK)))),
            path("complete", () -> post(() -> withJsonBody(body -> replyJson(complete(tenant, id, body), StatusCodes.OK)))),
            pathEndOrSingleSlash(() -> delete(() -> onComplete(abort(tenant, id), r -> r.isSuccess()
                ? complete(StatusCodes.NO_CONTENT)
                : problem(io.inferencia.edge.api.Problems.classify(r.failed().get()))))))))));
  }

  private CompletionStage<Object> create(String tenant, JsonNode body) {
    String filename = requiredText(body, "filename");
    String contentType = requiredText(body, "contentType").trim();
    if (!CONTENT_TYPE.matcher(contentType).matches() || contentType.length() > 200)
      throw ApiProblem.badRequest("invalid-content-type", "'" + contentType + "' is not a media type like image/png");
    JsonNode sizeNode = body.get("size");
    if (sizeNode == null || !sizeNode.canConvertToLong() || !sizeNode.isIntegralNumber())
      throw ApiProblem.badRequest("invalid-size", "'size' is required and must be the file's size in bytes");
    long size = sizeNode.asLong();
    if (size < 1) throw ApiProblem.badRequest("invalid-size", "'size' must be at least 1 byte");
    if (size > settings.maxSize())
      throw ApiProblem.tooLarge("upload-too-large", "uploads are limited to " + settings.maxSize() + " bytes");
    S3Uri uri = new S3Uri(intakeBucket, UploadKeys.newKey(tenant, filename));
    long expires = Instant.now().plus(settings.sessionTtl()).getEpochSecond();
    return storage(() -> {
      if (size <= settings.singlePutMax()) {
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
  }

  private CompletionStage<PartUrlsReply> moreParts(String tenant, String id, JsonNode body) {
    UploadToken token = multipartToken(tenant, id);
    JsonNode numbers = body.get("partNumbers");
    if (numbers == null || !numbers.isArray() || numbers.isEmpty() || numbers.size() > MAX_PARTS_PER_CALL)
      throw ApiProblem.badRequest("invalid-part-numbers", "'partNumbers' must be a list of 1 to " + MAX_PARTS_PER_CALL + " part numbers");
    List<Integer> wanted = new ArrayList<>();
    for (JsonNode n : numbers) {
      if (!n.isInt() || n.asInt() < 1 || n.asInt() > token.partCount())
        throw ApiProblem.badRequest("invalid-part-numbers", "part numbers run from 1 to " + token.partCount() + ", got " + n);
      wanted.add(n.asInt());
    }
    S3Uri uri = new S3Uri(intakeBucket, token.key());
    return storage(() -> {
      PartUrls urls = partUrls(token, uri, wanted);
      return new PartUrlsReply(urls.parts(), urls.expiresAt().toString());
    });
  }

  /** Multipart: assembles exactly parts 1..N; single PUT: confirms the object arrived. Sizes must match what was declared. */
  private CompletionStage<Completed> complete(String tenant, String id, JsonNode body) {
    UploadToken token = UploadToken.decode(id, settings.signingKey(), tenant, Instant.now().getEpochSecond());
    S3Uri uri = new S3Uri(intakeBucket, token.key());
    List<CompletedPart> parts = token.multipart() ? completedParts(token, body) : List.of();
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

  private List<CompletedPart> completedParts(UploadToken token, JsonNode body) {
    JsonNode parts = body.get("parts");
    if (parts == null || !parts.isArray())
      throw ApiProblem.badRequest("invalid-parts", "'parts' must be a list of {partNumber, etag}");
    if (parts.size() != token.partCount())
      throw ApiProblem.badRequest("upload-incomplete", "the upload has " + token.partCount() + " parts, " + parts.size() + " were listed");
    List<CompletedPart> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      JsonNode p = parts.get(i);
      JsonNode n = p.get("partNumber");
      JsonNode etag = p.get("etag");
      if (n == null || !n.isInt() || n.asInt() != i + 1 || etag == null || !etag.isTextual() || etag.asText().isBlank())
        throw ApiProblem.badRequest("invalid-parts", "'parts' must list partNumber 1.." + token.partCount()
            + " in order, each with the ETag its PUT returned");
      out.add(new CompletedPart(n.asInt(), etag.asText()));
    }
    return out;
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
        throw ApiProblem.unavailable("storage-unavailable", "object storage failed: " + e.getMessage());
      }
    }, blocking);
  }
}
