package com.imagegate.generation.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageGuard;
import com.imagegate.generation.ImageProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.spi.PromptModeration;
import com.imagegate.testsupport.FakeOpenAiImages;
import com.imagegate.testsupport.FakeOpenAiImages.Step;
import com.imagegate.testsupport.TestImages;
import java.awt.Color;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One call at a time against the local fake of the OpenAI Images API. */
class OpenAiClientTests {

    static final FakeOpenAiImages UPSTREAM = FakeOpenAiImages.start("sk-right-key-1234");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    final OpenAiClient client = new OpenAiClient(
            Duration.ofSeconds(2),
            true,
            Duration.ofSeconds(30),
            CLOCK,
            new ImageGuard(new ImageProperties(4096L * 4096)));

    @AfterAll
    static void stop() {
        UPSTREAM.close();
    }

    static GenerationProperties.Channel channel(String key) {
        return new GenerationProperties.Channel("c", UPSTREAM.baseUrl(), key, null, 1, 0);
    }

    static UpstreamCall call(String prompt, int n) {
        return new UpstreamCall(
                "gpt-image-2-2026-04-21",
                prompt,
                List.of(),
                n,
                ImageSize.SQUARE_1024,
                Quality.AUTO,
                OutputFormat.PNG,
                null,
                null);
    }

    @Test
    void anEditsMaskGoesUpAsItsOwnPngPartBesideTheImages() {
        byte[] image = TestImages.png(64, 48, Color.RED);
        byte[] mask = TestImages.png(64, 48, new Color(0, 0, 0, 0));
        var call = new UpstreamCall(
                "gpt-image-2-2026-04-21",
                "masked edit",
                List.of(image, TestImages.png(32, 32, Color.BLUE)),
                1,
                ImageSize.SQUARE_1024,
                Quality.AUTO,
                OutputFormat.PNG,
                null,
                mask);
        var outcome = client.call(channel("sk-right-key-1234"), call, Duration.ofSeconds(10));
        assertThat(outcome).isInstanceOf(OpenAiClient.Delivered.class);
        var seen = UPSTREAM.requests("masked edit").getFirst();
        assertThat(seen.path()).isEqualTo("/v1/images/edits");
        assertThat(seen.images()).hasSize(2);
        assertThat(seen.mask()).isNotNull();
        assertThat(seen.mask().contentType()).isEqualTo("image/png");
        assertThat(seen.mask().bytes()).isEqualTo(mask);

        // Without a mask there is no mask part.
        client.call(
                channel("sk-right-key-1234"),
                new UpstreamCall(
                        "gpt-image-2-2026-04-21",
                        "unmasked edit",
                        List.of(image),
                        1,
                        ImageSize.SQUARE_1024,
                        Quality.AUTO,
                        OutputFormat.PNG,
                        null,
                        null),
                Duration.ofSeconds(10));
        assertThat(UPSTREAM.requests("unmasked edit").getFirst().mask()).isNull();
    }

    @Test
    void severalImagesComeBackFromOneCall() {
        var outcome = client.call(channel("sk-right-key-1234"), call("three at once", 3), Duration.ofSeconds(10));
        assertThat(outcome).isInstanceOf(OpenAiClient.Delivered.class);
        assertThat(((OpenAiClient.Delivered) outcome).images()).hasSize(3);
        assertThat(UPSTREAM.requests("three at once").getFirst().fields()).containsEntry("n", "3");
    }

    @Test
    void aRefusedKeyIsTheChannelsFaultAndItsMessageIsNotRepeated() {
        var outcome = client.call(channel("sk-wrong-key-9999"), call("wrong key", 1), Duration.ofSeconds(10));
        Failure failure = ((OpenAiClient.Failed) outcome).failure();
        assertThat(failure.kind()).isEqualTo(Failure.Kind.CHANNEL_REFUSED);
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.channelFault()).isTrue();
        assertThat(failure.describe()).isEqualTo("upstream refused our credentials, HTTP 401, invalid_api_key");
        assertThat(failure.toTaskError().getMessage()).doesNotContain("sk-").doesNotContain("9999");
    }

    @Test
    void rateLimitsCarryTheirRetryAfter() {
        UPSTREAM.script("limited", Step.error(429, "requests", "rate_limit_exceeded", "retry-after", "7"));
        Failure failure = ((OpenAiClient.Failed)
                        client.call(channel("sk-right-key-1234"), call("limited", 1), Duration.ofSeconds(10)))
                .failure();
        assertThat(failure.kind()).isEqualTo(Failure.Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(failure.describe()).doesNotContain("org-secret");
    }

    @Test
    void retryAfterMsWinsAndAnHttpDateIsCountedFromNow() {
        assertThat(client.retryAfter(headers(Map.of("retry-after-ms", "1500.5", "retry-after", "9"))))
                .isEqualTo(Duration.ofMillis(1501));
        assertThat(client.retryAfter(headers(Map.of("retry-after", "Wed, 25 Nov 2026 12:00:30 GMT"))))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(client.retryAfter(headers(Map.of("retry-after", "soon")))).isNull();
        assertThat(client.retryAfter(headers(Map.of()))).isNull();
    }

    @Test
    void theEndpointIsUnderV1WhetherOrNotTheBaseUrlNamesIt() {
        for (String base :
                List.of("https://api.example.com", "https://api.example.com/", "https://api.example.com/v1")) {
            assertThat(OpenAiClient.endpoint(URI.create(base), "edits"))
                    .isEqualTo(URI.create("https://api.example.com/v1/images/edits"));
        }
        assertThat(OpenAiClient.endpoint(URI.create("http://gw.local/openai/"), "generations"))
                .isEqualTo(URI.create("http://gw.local/openai/v1/images/generations"));
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeout() {
        UPSTREAM.script("never", Step.hang());
        long start = System.nanoTime();
        Failure failure = ((OpenAiClient.Failed)
                        client.call(channel("sk-right-key-1234"), call("never", 1), Duration.ofMillis(500)))
                .failure();
        assertThat(failure.kind()).isEqualTo(Failure.Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aClosedPortIsAConnectionFailure() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var closed = new GenerationProperties.Channel("c", URI.create("http://127.0.0.1:" + port), "k", null, 1, 0);
        Failure failure = ((OpenAiClient.Failed) client.call(closed, call("x", 1), Duration.ofSeconds(5))).failure();
        assertThat(failure.kind()).isEqualTo(Failure.Kind.CONNECTION);
        assertThat(failure.statusCode()).isNull();
    }

    static HttpHeaders headers(Map<String, String> values) {
        return HttpHeaders.of(
                values.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
                (a, b) -> true);
    }

    @Test
    void moderationReadsFlaggedAndItsTrueCategoriesAndAnythingElseIsUnavailable() {
        UPSTREAM.flag("moderate-me", "violence", "self-harm/intent");
        var right = channel("sk-right-key-1234");
        assertThat(client.moderate(right, "omni-moderation-latest", "a calm lake", Duration.ofSeconds(5)))
                .isEqualTo(new PromptModeration.Verdict.Allowed());
        assertThat(client.moderate(right, "omni-moderation-latest", "please moderate-me", Duration.ofSeconds(5)))
                .isEqualTo(new PromptModeration.Verdict.Flagged(List.of("self-harm/intent", "violence")));
        assertThat(UPSTREAM.moderated()).contains("a calm lake", "please moderate-me");
        assertThat(client.moderate(
                        channel("sk-wrong-key-0000"), "omni-moderation-latest", "a calm lake", Duration.ofSeconds(5)))
                .isInstanceOf(PromptModeration.Verdict.Unavailable.class);
        UPSTREAM.moderationDown(503);
        try {
            assertThat(client.moderate(right, "omni-moderation-latest", "moderate-me", Duration.ofSeconds(5)))
                    .isInstanceOf(PromptModeration.Verdict.Unavailable.class);
        } finally {
            UPSTREAM.moderationDown(0);
        }
        assertThat(OpenAiClient.moderations(java.net.URI.create("https://api.example.com/v1/")))
                .hasToString("https://api.example.com/v1/moderations");
        assertThat(OpenAiClient.moderations(java.net.URI.create("https://api.example.com")))
                .hasToString("https://api.example.com/v1/moderations");
    }
}
