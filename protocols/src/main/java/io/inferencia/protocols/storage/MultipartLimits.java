package io.inferencia.protocols.storage;

/** S3's multipart rules, which AWS, MinIO and the embedded server share. */
public final class MultipartLimits {
  /** Smallest part other than the last; completing with a smaller one fails with EntityTooSmall. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
  public static final int MAX_PARTS = 10_000;

  private MultipartLimits() {}

  public static void checkPartNumber(int partNumber) {
    if (partNumber < 1 || partNumber > MAX_PARTS)
      throw new IllegalArgumentException("part number " + partNumber + " is not between 1 and " + MAX_PARTS);
  }
}
