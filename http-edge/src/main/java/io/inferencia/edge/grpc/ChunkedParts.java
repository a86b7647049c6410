package io.inferencia.edge.grpc;

import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A chunked entity with its parts replaced, trailer included. The Java API builds chunked entities
 * from data bytes only, which would drop the last chunk's trailer, where a gRPC stream's status is.
 */
final class ChunkedParts {
  private ChunkedParts() {}

  static HttpEntity.Chunked replace(HttpEntity.Chunked entity, Source<HttpEntity.ChunkStreamPart, Object> parts) {
    Source<org.apache.pekko.http.scaladsl.model.HttpEntity.ChunkStreamPart, Object> scalaParts =
        parts.map(part -> (org.apache.pekko.http.scaladsl.model.HttpEntity.ChunkStreamPart) part);
    return new org.apache.pekko.http.scaladsl.model.HttpEntity.Chunked(
        (org.apache.pekko.http.scaladsl.model.ContentType) entity.getContentType(), scalaParts.asScala());
  }
}
