package io.inferencia.persistence.storage;

/** An access key pair for the S3 API. The secret never appears in {@link #toString()}. */
public record S3Credentials(String accessKey, String secretKey) {
  public S3Credentials {
    if (accessKey == null || accessKey.isBlank()) throw new IllegalArgumentException("the access key is empty");
    if (secretKey == null || secretKey.isBlank()) throw new IllegalArgumentException("the secret key is empty");
  }

  @Override
  public String toString() {
    return "S3Credentials[accessKey=" + accessKey + ", secretKey=***]";
  }
}
