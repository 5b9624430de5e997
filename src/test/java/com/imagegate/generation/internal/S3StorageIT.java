package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.imagegate.testsupport.ApiClient;
import com.imagegate.testsupport.ApiUsers;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import com.robothy.s3.rest.LocalS3;
import com.robothy.s3.rest.bootstrap.LocalS3Mode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import tools.jackson.databind.JsonNode;

/**
 * Storage {@code s3} against a real S3-compatible server started here (LocalS3, in memory). LocalS3 does not check
 * request signatures, so this test checks the presigned URLs' SigV4 signatures itself, with its own implementation of
 * the algorithm from AWS's documentation: a URL for another object, a later expiry or a changed signature does not
 * verify.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.storage.type=s3",
            "imagegate.storage.s3.bucket=imagegate-it",
            "imagegate.storage.s3.region=eu-central-1",
            "imagegate.storage.s3.path-style=true",
            "imagegate.storage.url-ttl=PT30M",
            "imagegate.generation.sandbox.delay=0ms"
        })
class S3StorageIT {

    static final String ACCESS_KEY = "AKIAIMAGEGATETEST";
    static final String SECRET_KEY = "imagegate-test-secret-key-0123456789";
    static final LocalS3 SERVER = start();

    static LocalS3 start() {
        // The app reads credentials through the SDK's default chain; system properties are its first link.
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalS3 server =
                LocalS3.builder().port(port).mode(LocalS3Mode.IN_MEMORY).build();
        server.start();
        try (S3Client admin = client(endpoint(server))) {
            admin.createBucket(b -> b.bucket("imagegate-it"));
        }
        return server;
    }

    static String endpoint(LocalS3 server) {
        return "http://127.0.0.1:" + server.getPort();
    }

    static S3Client client(String endpoint) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.EU_CENTRAL_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("imagegate.storage.s3.endpoint", () -> endpoint(SERVER));
    }

    @AfterAll
    static void stop() {
        SERVER.shutdown();
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    TaskSweeper sweeper;

    JsonNode generate(ApiUsers user, String body) {
        var created = new ApiClient(port).send("POST", "/api/v1/images/generations", "Bearer " + user.secret(), body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String id = ApiClient.json(created).path("id").asString();
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> ApiClient.json(new ApiClient(port).get("/api/v1/images/tasks/" + id, user.secret())),
                        t -> "succeeded".equals(t.path("status").asString()));
    }

    static HttpResponse<byte[]> download(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String keyOf(String url) {
        String path = URI.create(url).getRawPath();
        return path.substring("/imagegate-it/".length());
    }

    @Test
    void imagesAreStoredInTheBucketAndServedByPresignedUrlsUntilRetentionDeletesThem() throws Exception {
        var user = ApiUsers.signUpWithKey(port, "live");
        JsonNode task = generate(user, "{\"prompt\":\"a harbour at dawn\",\"size\":\"1536x1024\",\"n\":2}");

        String url = task.path("data").get(0).path("url").asString();
        String other = task.path("data").get(1).path("url").asString();
        assertThat(url).startsWith(endpoint(SERVER) + "/imagegate-it/").contains("X-Amz-Signature=");
        Map<String, String> query = query(url);
        assertThat(query.get("X-Amz-Expires")).as("the storage url-ttl").isEqualTo("1800");
        assertThat(query.get("X-Amz-Credential")).contains("eu-central-1%2Fs3%2Faws4_request");
        Instant signedAt =
                LocalDateTime.parse(query.get("X-Amz-Date"), AMZ_DATE).toInstant(ZoneOffset.UTC);
        assertThat(Duration.between(signedAt, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));

        var response = download(url);
        assertThat(response.statusCode()).isEqualTo(200);
        var image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(1536);
        assertThat(image.getHeight()).isEqualTo(1024);

        assertThat(verifies(url))
                .as("our own SigV4 check accepts the URL as signed")
                .isTrue();
        assertThat(verifies(url.replace(keyOf(url), keyOf(other))))
                .as("the signature does not cover another object")
                .isFalse();
        assertThat(verifies(url.replace("X-Amz-Expires=1800", "X-Amz-Expires=604800")))
                .as("nor a longer life")
                .isFalse();
        String signature = query.get("X-Amz-Signature");
        String flipped = (signature.charAt(0) == 'a' ? "b" : "a") + signature.substring(1);
        assertThat(verifies(url.replace(signature, flipped)))
                .as("nor a changed signature")
                .isFalse();

        // A new GET signs fresh links.
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    JsonNode again = ApiClient.json(new ApiClient(port)
                            .get("/api/v1/images/tasks/" + task.path("id").asString(), user.secret()));
                    return !again.path("data").get(0).path("url").asString().equals(url);
                });

        // Retention deletes the objects from the bucket.
        String key = keyOf(url);
        try (S3Client admin = client(endpoint(SERVER))) {
            assertThat(admin.headObject(b -> b.bucket("imagegate-it").key(key)).contentLength())
                    .isEqualTo(response.body().length);
            new JdbcTemplate(dataSource)
                    .update(
                            "update task_images set created_at = ? where task_id = ?",
                            Timestamp.from(Instant.now().minus(Duration.ofDays(31))),
                            task.path("id").asString());
            assertThat(sweeper.deleteExpiredImages()).isGreaterThanOrEqualTo(2);
            assertThatThrownBy(
                            () -> admin.getObject(b -> b.bucket("imagegate-it").key(key)))
                    .isInstanceOf(NoSuchKeyException.class);
            assertThatThrownBy(
                            () -> admin.getObject(b -> b.bucket("imagegate-it").key(keyOf(other))))
                    .isInstanceOf(NoSuchKeyException.class);
        }
        assertThat(download(url).statusCode()).as("the old link finds nothing").isEqualTo(404);
    }

    @Test
    void healthReportsTheBucket() throws Exception {
        var health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/storage"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP");
    }

    @Test
    void pagesMayShowImagesFromTheBucket() throws Exception {
        var page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        String endpoint = endpoint(SERVER);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("img-src 'self' data: blob: " + endpoint));
    }

    // --- SigV4 query-string verification, from AWS's documentation ("Authenticating requests: query parameters") ---

    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    static Map<String, String> query(String url) {
        Map<String, String> params = new TreeMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return params;
    }

    static boolean verifies(String url) throws Exception {
        URI uri = URI.create(url);
        Map<String, String> params = query(url);
        String signature = params.remove("X-Amz-Signature");
        if (!"host".equals(params.get("X-Amz-SignedHeaders"))) {
            return false; // the app signs only the host header
        }
        String canonicalQuery = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
        String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String canonicalRequest = String.join(
                "\n", "GET", uri.getRawPath(), canonicalQuery, "host:" + host, "", "host", "UNSIGNED-PAYLOAD");
        String[] scope = URLDecoder.decode(params.get("X-Amz-Credential"), StandardCharsets.UTF_8)
                .split("/");
        if (!scope[0].equals(ACCESS_KEY)) {
            return false;
        }
        String credentialScope = String.join("/", Arrays.copyOfRange(scope, 1, scope.length));
        String stringToSign = String.join(
                "\n",
                "AWS4-HMAC-SHA256",
                params.get("X-Amz-Date"),
                credentialScope,
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, scope[4]);
        String expected = HexFormat.of().formatHex(hmac(key, stringToSign));
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}
