package io.inferencia.protocols.storage;

/**
 * A part S3 holds for an unfinished multipart upload.
 *
 * @param etag as S3 returns it, quotes included
 */
public record PartInfo(int partNumber, String etag, long size) {}
