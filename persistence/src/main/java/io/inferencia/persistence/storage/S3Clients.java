package io.inferencia.persistence.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Builds the SDK's client (for this node's calls) and presigner (for clients' URLs) from one connection. */
final class S3Clients {
  private S3Clients() {}

  static S3Client client(S3Connection connection, StorageSettings.Client pool) {
    return S3Client.builder()
        .endpointOverride(connection.endpoint())
        .region(Region.of(connection.region()))
        .credentialsProvider(credentials(connection))
        .forcePathStyle(connection.pathStyle())
        // Checksums only where the S3 API demands them: the SDK's default adds aws-chunked trailing
        // checksums that S3-compatible servers (s3proxy among them) do not all accept.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(pool.maxConnections())
            .connectionTimeout(pool.connectionTimeout())
            .socketTimeout(pool.socketTimeout()))
        .build();
  }

  /** Signs for the public endpoint: the host is part of the signature, so it must be the one clients call. */
  static S3Presigner presigner(S3Connection connection) {
    return S3Presigner.builder()
        .endpointOverride(connection.publicEndpoint())
        .region(Region.of(connection.region()))
        .credentialsProvider(credentials(connection))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(connection.pathStyle()).build())
        .build();
  }

  private static StaticCredentialsProvider credentials(S3Connection connection) {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(connection.credentials().accessKey(), connection.credentials().secretKey()));
  }
}
