package com.imagegate.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.imagegate.testsupport.TricklingServer;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fetcher's total deadline and its handling of malformed redirects, against a local server that trickles one byte
 * every 500 ms (the fetcher is allowed loopback here; {@link AddressPolicyTests} checks the address rules).
 */
class SafeFetcherTests {

    static final Duration DEADLINE = Duration.ofSeconds(2);
    /** What a fetch without a total deadline would take: it would not end before the trickle does (a minute). */
    static final Duration NEVER = Duration.ofSeconds(15);

    static final TricklingServer SERVER = TricklingServer.start();

    @AfterAll
    static void stop() {
        SERVER.close();
    }

    final SafeFetcher fetcher = new SafeFetcher(true, Duration.ofSeconds(10), DEADLINE);

    @ParameterizedTest
    @ValueSource(strings = {"/trickle-body", "/trickle-head", "/redirect-to-trickle"})
    void aServerThatTricklesBytesIsCutOffAtTheTotalDeadline(String path) {
        int droppedBefore = SERVER.droppedByClient();
        long started = System.nanoTime();

        assertTimeoutPreemptively(
                NEVER,
                () -> assertThatThrownBy(() -> fetcher.fetch(URI.create(SERVER.url(path)), 20L * 1024 * 1024))
                        .isInstanceOf(FetchException.class)
                        .hasMessage("the URL did not answer completely in time (2 s)"));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(DEADLINE.minusMillis(100), DEADLINE.plusSeconds(2));
        // The connection is dropped, not left trickling into a thread nobody waits for.
        await().atMost(Duration.ofSeconds(3)).until(() -> SERVER.droppedByClient() > droppedBefore);
    }

    @Test
    void aWebhookReceiverThatTricklesItsAnswerIsCutOffAtTheTotalDeadline() {
        long started = System.nanoTime();

        assertTimeoutPreemptively(
                NEVER,
                () -> assertThatThrownBy(() -> fetcher.post(
                                URI.create(SERVER.url("/trickle-head")),
                                "{}".getBytes(),
                                "application/json",
                                Map.of("webhook-id", "msg_1")))
                        .isInstanceOf(FetchException.class)
                        .hasMessage("the URL did not answer completely in time (2 s)"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE.plusSeconds(2));
    }

    @Test
    void aPostWhoseHeadersArriveIsAnsweredWithoutWaitingForTheBody() {
        long started = System.nanoTime();

        int status = assertTimeoutPreemptively(
                NEVER,
                () -> fetcher.post(
                        URI.create(SERVER.url("/trickle-body")), "{}".getBytes(), "application/json", Map.of()));

        assertThat(status).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bad-location-bracket", "/bad-location-scheme"})
    void aRedirectToAMalformedLocationIsARefusalNotACrash(String path) {
        assertThatThrownBy(() -> fetcher.fetch(URI.create(SERVER.url(path)), 1024))
                .isInstanceOf(FetchException.class)
                .hasMessage("the URL redirects to a malformed address");
    }

    @Test
    void redirectTargetsResolveAgainstTheAnsweringUrl() {
        URI from = URI.create("https://images.example/a/b.png");

        assertThat(SafeFetcher.redirectTarget(from, "/c.png")).isEqualTo(URI.create("https://images.example/c.png"));
        assertThat(SafeFetcher.redirectTarget(from, " https://cdn.example/x.png "))
                .isEqualTo(URI.create("https://cdn.example/x.png"));
        assertThatThrownBy(() -> SafeFetcher.redirectTarget(from, "http://[::1"))
                .isInstanceOf(FetchException.class);
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> new SafeFetcher(false, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
