package com.imagegate.generation.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the openai provider reads an upstream's event stream: whole events only, however the bytes are cut. */
class SseBodyTests {

    static final Flow.Subscription NOTHING = new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    static void feed(OpenAiClient.SseBody body, String text, int chunk) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            body.onNext(List.of(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i))));
        }
    }

    @Test
    void eventsCutAnywhereComeOutWholeInOrderWithCrLfOrLf() throws Exception {
        for (int chunk : new int[] {1, 3, 7, 1000}) {
            var body = new OpenAiClient.SseBody(1_000_000, true);
            body.onSubscribe(NOTHING);
            assertThat(body.getBody().toCompletableFuture().isDone())
                    .as("the response is handed over at once")
                    .isTrue();
            feed(
                    body,
                    ": keep-alive\r\n\r\nevent: image_generation.partial_image\r\ndata: {\"a\":\"é\"}\r\n\r\n"
                            + "event: image_generation.completed\ndata: {\"b\":\ndata:2}\n\n",
                    chunk);
            var first = body.next(TimeUnit.SECONDS.toNanos(1));
            assertThat(first.name()).isEqualTo("image_generation.partial_image");
            assertThat(first.data()).isEqualTo("{\"a\":\"é\"}");
            var second = body.next(TimeUnit.SECONDS.toNanos(1));
            assertThat(second.name()).isEqualTo("image_generation.completed");
            assertThat(second.data()).isEqualTo("{\"b\":\n2}");
            assertThat(body.next(0))
                    .as("nothing more yet: a stall is a null after the deadline")
                    .isNull();
            body.onComplete();
            assertThat(body.next(0)).isSameAs(OpenAiClient.SseBody.END);
        }
    }

    @Test
    void aStreamPastTheCeilingBreaksAndSaysSo() throws Exception {
        var body = new OpenAiClient.SseBody(10, true);
        body.onSubscribe(NOTHING);
        feed(body, "data: 0123456789\n\n", 100);
        assertThat(body.next(0)).isSameAs(OpenAiClient.SseBody.BROKEN);
        assertThat(body.tooLarge()).isTrue();
    }
}
