package io.inferencia.protocols.storage;

/**
 * One uploaded part of a multipart upload, as its uploader reports it.
 *
 * @param etag the ETag response header of the part's PUT, quoted or not
 */
public record CompletedPart(int partNumber, String etag) {
  public CompletedPart {
    MultipartLimits.checkPartNumber(partNumber);
    if (etag == null || etag.isBlank()) throw new IllegalArgumentException("part " + partNumber + " has no ETag");
  }
}
