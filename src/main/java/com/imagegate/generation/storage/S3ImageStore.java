package com.imagegate.generation.storage;

import com.imagegate.generation.StorageProperties;
import com.imagegate.generation.spi.ImageStore;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Images in an S3-compatible bucket (AWS SDK v2): any endpoint, region and path-style addressing; credentials from the
 * SDK's default chain (environment {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profile, container or
 * instance role). Links handed to callers are presigned GETs, so images are served by the bucket, not by us.
 */
public class S3ImageStore implements ImageStore, AutoCloseable {

    /** SigV4 presigned URLs cannot live longer. */
    public static final Duration MAX_URL_TTL = Duration.ofDays(7);

    private final S3Client client;
    private final S3Presigner presigner;
    private final DefaultCredentialsProvider credentials;
    private final String bucket;

    public S3ImageStore(StorageProperties.S3 settings) {
        if (settings.bucket() == null || settings.bucket().isBlank()) {
            throw new IllegalArgumentException(
                    "imagegate.storage.s3.bucket must be set when imagegate.storage.type=s3");
        }
        this.bucket = settings.bucket();
        Region region = Region.of(settings.region());
        this.credentials = DefaultCredentialsProvider.builder().build();
        S3Configuration s3 = S3Configuration.builder()
                .pathStyleAccessEnabled(settings.pathStyle())
                .build();
        var clientBuilder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3)
                // Checksums only where S3 requires them: many S3-compatible servers refuse the SDK's default trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presignerBuilder = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3);
        if (settings.endpoint() != null) {
            clientBuilder.endpointOverride(settings.endpoint());
            presignerBuilder.endpointOverride(settings.endpoint());
        }
        this.client = clientBuilder.build();
        this.presigner = presignerBuilder.build();
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        client.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
    }

    @Override
    public Optional<StoredFile> open(String key) {
        try {
            var object = client.getObject(
                    GetObjectRequest.builder().bucket(bucket).key(key).build());
            return Optional.of(new StoredFile(object, object.response().contentLength()));
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) {
        client.deleteObject(b -> b.bucket(bucket).key(key)); // S3 answers 204 for a key that is already gone
    }

    /** A presigned GET of the object, valid for {@code ttl}. */
    @Override
    public Optional<String> directUrl(String key, Duration ttl) {
        var presigned = presigner.presignGetObject(p ->
                p.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket).key(key)));
        return Optional.of(presigned.url().toString());
    }

    /** True when the bucket answers (for the health component {@code storage}). */
    public boolean reachable() {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
        credentials.close();
    }
}
