package io.inferencia.protocols.storage;

import java.time.Instant;

/**
 * What S3 knows about a stored object.
 *
 * @param etag as S3 returns it, quotes included
 */
public record ObjectInfo(S3Uri uri, long size, String contentType, String etag, Instant lastModified) {}
