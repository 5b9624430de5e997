package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.api.internal.OpenAiImageRequests.ResponseFormat;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.RequestField;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class OpenAiImageRequestsTests {

    static OpenAiImageRequests.Parsed json(String body) {
        return OpenAiImageRequests.generation(JsonMapper.shared().readTree(body));
    }

    @Test
    void openAisQualityLevelsMapToOurs() {
        assertThat(json("{\"prompt\":\"x\",\"quality\":\"low\"}").request().quality())
                .isEqualTo(Quality.AUTO);
        assertThat(json("{\"prompt\":\"x\",\"quality\":\"medium\"}").request().quality())
                .isEqualTo(Quality.AUTO);
        assertThat(json("{\"prompt\":\"x\",\"quality\":\"high\"}").request().quality())
                .isEqualTo(Quality.HIGH);
        assertThat(json("{\"prompt\":\"x\",\"quality\":\"auto\"}").request().quality())
                .isEqualTo(Quality.AUTO);
        assertThat(json("{\"prompt\":\"x\"}").request().quality()).isEqualTo(Quality.AUTO);
    }

    @Test
    void defaultsAreOpenAisForGptImageModels() {
        var parsed = json("{\"prompt\":\"x\"}");
        assertThat(parsed.responseFormat()).isEqualTo(ResponseFormat.B64_JSON);
        assertThat(parsed.request().model()).isEqualTo("gpt-image-2");
        assertThat(parsed.request().n()).isEqualTo(1);
        assertThat(parsed.request().size()).isEqualTo(ImageSize.AUTO);
        assertThat(parsed.request().format()).isEqualTo(OutputFormat.PNG);
        assertThat(json("{\"prompt\":\"x\",\"response_format\":\"url\",\"stream\":false,\"background\":\"opaque\"}")
                        .responseFormat())
                .isEqualTo(ResponseFormat.URL);
    }

    @Test
    void partialImagesAreAskedOnlyOnAStream() {
        var streamed = json("{\"prompt\":\"x\",\"stream\":true,\"partial_images\":2}");
        assertThat(streamed.stream()).isTrue();
        assertThat(streamed.request().partialImages()).isEqualTo(2);
        var plain = json("{\"prompt\":\"x\",\"stream\":false,\"partial_images\":2}");
        assertThat(plain.stream()).isFalse();
        assertThat(plain.request().partialImages()).isZero();
        assertThat(json("{\"prompt\":\"x\"}").stream()).isFalse();
        var edit = OpenAiImageRequests.edit(Map.of("prompt", "x", "stream", "true", "partial_images", "3"));
        assertThat(edit.stream()).isTrue();
        assertThat(edit.request().partialImages()).isEqualTo(3);
        assertThatThrownBy(() -> json("{\"prompt\":\"x\",\"stream\":\"true\"}"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("stream"));
    }

    @Test
    void multipartFieldsAreReadAsTheirTypes() {
        var parsed = OpenAiImageRequests.edit(
                Map.of("prompt", "x", "n", "3", "size", "1536x1024", "stream", "false", "output_compression", "80"));
        assertThat(parsed.request().n()).isEqualTo(3);
        assertThat(parsed.request().size()).isEqualTo(ImageSize.LANDSCAPE_1536);
        assertThatThrownBy(() -> OpenAiImageRequests.edit(Map.of("prompt", "x", "stream", "maybe")))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("stream"));
        assertThatThrownBy(() -> OpenAiImageRequests.edit(Map.of("prompt", "x", "moderation", "low")))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class, e -> assertThat(e.code()).isEqualTo("unknown_parameter"));
    }

    @Test
    void sharedFieldsRefusedByTheGenerationRulesKeepOpenAisNames() {
        assertThatThrownBy(() -> json("{\"prompt\":\"x\",\"n\":11}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("n");
                    assertThat(e.getMessage()).isEqualTo("n must be an integer from 1 to 10.");
                });
        assertThatThrownBy(() -> OpenAiImageRequests.edit(Map.of("prompt", "x", "output_format", "gif")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("output_format");
                    assertThat(e.getMessage()).isEqualTo("output_format must be one of png, jpeg, webp.");
                });
    }

    @Test
    void uploadsAreImageWhenOneAndIndexedWhenSeveral() {
        var third = new InvalidRequestException(
                RequestField.INPUTS,
                2,
                "invalid_value",
                names -> names.name(RequestField.INPUTS, 2) + ": the content is not a PNG, JPEG or WebP image.");
        var named = third.named(OpenAiImageRequests.names(3));
        assertThat(named.param()).isEqualTo("image[2]");
        assertThat(named.getMessage()).isEqualTo("image[2]: the content is not a PNG, JPEG or WebP image.");

        var only = new InvalidRequestException(
                RequestField.INPUTS, 0, "invalid_value", names -> names.name(RequestField.INPUTS, 0) + ": bad.");
        assertThat(only.named(OpenAiImageRequests.names(1)).param()).isEqualTo("image");
        assertThat(OpenAiImageRequests.names(5).name(RequestField.INPUTS, -1)).isEqualTo("image");
        assertThat(OpenAiImageRequests.names(1).name(RequestField.MASK, -1)).isEqualTo("mask");
    }
}
