package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.generation.TaskKind;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.TaskView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/** How a failed task answers on the drop-in: the status and code the SDKs turn into their error classes. */
class OpenAiFailureAnswersTests {

    static TaskView failedWith(String code) {
        return new TaskView(
                "task_1",
                TaskStatus.FAILED,
                "gpt-image-2",
                Instant.EPOCH,
                10,
                1,
                "1024x1024",
                "auto",
                "png",
                null,
                List.of(),
                new TaskView.Error(code, "It failed."),
                true,
                null,
                null,
                null,
                TaskKind.GENERATION,
                "x",
                null);
    }

    static ApiError.Body body(ResponseEntity<Object> answer) {
        return ((ApiError) answer.getBody()).error();
    }

    @Test
    void contentAndInputFailuresAre400sThatTheSdkDoesNotRetry() {
        for (String code : List.of("moderation_blocked", "content_policy_violation", "invalid_image")) {
            var answer = OpenAiImagesController.failed(failedWith(code), false);
            assertThat(answer.getStatusCode().value()).isEqualTo(400);
            assertThat(body(answer).type()).isEqualTo("invalid_request_error");
            assertThat(body(answer).code()).isEqualTo(code);
            assertThat(body(answer).message()).contains("credits were released");
            assertThat(answer.getHeaders().getFirst("x-should-retry")).isEqualTo("false");
        }
    }

    @Test
    void otherFailuresAreServerErrorsRetriedOnlyWithoutAnIdempotencyKey() {
        var bare = OpenAiImagesController.failed(failedWith("provider_unavailable"), false);
        assertThat(bare.getStatusCode().value()).isEqualTo(500);
        assertThat(body(bare).type()).isEqualTo("server_error");
        assertThat(body(bare).code()).isEqualTo("provider_unavailable");
        assertThat(bare.getHeaders().getFirst("x-should-retry")).isNull();
        var keyed = OpenAiImagesController.failed(failedWith("generation_failed"), true);
        assertThat(keyed.getHeaders().getFirst("x-should-retry")).isEqualTo("false");
    }
}
