package com.imagegate.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.GenerationRequest;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class GenerationJsonTests {

    static GenerationRequest parse(String json) {
        return GenerationJson.parse(JsonMapper.shared().readTree(json), null, null);
    }

    @Test
    void aDatedSnapshotOfAModelIsThatModelAndOtherNamesAreRefused() {
        assertThat(parse("{\"prompt\":\"x\",\"model\":\"gpt-image-2-2026-04-21\"}")
                        .model())
                .isEqualTo("gpt-image-2");
        assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"model\":\"dall-e-3-2026-04-21\"}"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("model"));
        assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"model\":\"gpt-image-2-latest\"}"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theSeedsBodyParsesIntoTypedValues() {
        var request = parse("""
                {"model":"gpt-image-2","prompt":"A cinematic product photo","size":"1536x1024","quality":"high","n":1}""");

        assertThat(request.model()).isEqualTo("gpt-image-2");
        assertThat(request.size()).isEqualTo(ImageSize.LANDSCAPE_1536);
        assertThat(request.quality()).isEqualTo(Quality.HIGH);
        assertThat(request.format()).isEqualTo(OutputFormat.PNG);
        assertThat(request.n()).isEqualTo(1);
    }

    @Test
    void defaultsApplyWhenFieldsAreLeftOut() {
        var request = parse("{\"prompt\":\"x\"}");

        assertThat(request.model()).isEqualTo("gpt-image-2");
        assertThat(request.size()).isEqualTo(ImageSize.AUTO);
        assertThat(request.quality()).isEqualTo(Quality.AUTO);
        assertThat(request.n()).isEqualTo(1);
        assertThat(request.imageUrls()).isEmpty();
    }

    @Test
    void multiplicationSignSizeAndAliasesAreAccepted() {
        var request = parse(
                "{\"model\":\"gpt-image-2-image-to-image\",\"image_urls\":[\"https://example.com/a.png\"],\"size\":\"1920\u00d71088\"}");

        assertThat(request.size()).isEqualTo(ImageSize.LANDSCAPE_FULL_HD);
        assertThat(request.prompt()).isNull();
        assertThat(request.imageUrls()).hasSize(1);
    }

    @ParameterizedTest(name = "{0} -> {1}/{2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{}                                              | prompt       | missing_required_parameter",
                "{\"prompt\":\"x\",\"colour\":\"red\"}           | colour       | unknown_parameter",
                "{\"prompt\":\"x\",\"model\":\"dall-e-3\"}       | model        | invalid_value",
                "{\"prompt\":\"\"}                               | prompt       | invalid_value",
                "{\"prompt\":\"   \"}                            | prompt       | invalid_value",
                "{\"prompt\":42}                                 | prompt       | invalid_value",
                "{\"prompt\":\"x\",\"n\":0}                      | n            | invalid_value",
                "{\"prompt\":\"x\",\"n\":11}                     | n            | invalid_value",
                "{\"prompt\":\"x\",\"n\":1.5}                    | n            | invalid_value",
                "{\"prompt\":\"x\",\"n\":\"2\"}                  | n            | invalid_value",
                "{\"prompt\":\"x\",\"size\":\"512x512\"}         | size         | invalid_value",
                "{\"prompt\":\"x\",\"size\":1024}                | size         | invalid_value",
                "{\"prompt\":\"x\",\"quality\":\"ultra\"}        | quality      | invalid_value",
                "{\"prompt\":\"x\",\"output_format\":\"gif\"}    | output_format | invalid_value",
                "{\"prompt\":\"x\",\"image_urls\":[]}            | image_urls   | invalid_value",
                "{\"prompt\":\"x\",\"image_urls\":\"https://a.b/c.png\"} | image_urls | invalid_value",
                "{\"prompt\":\"x\",\"image_urls\":[\"https://a.b/c.png\",\"file:///etc/passwd\"]} | image_urls[1] | invalid_value",
                "{\"prompt\":\"x\",\"image_urls\":[\"ftp://a.b/c.png\"]} | image_urls[0] | invalid_value",
                "{\"prompt\":\"x\",\"image_urls\":[\"https://user:pw@a.b/c.png\"]} | image_urls[0] | invalid_value",
                "{\"prompt\":\"x\",\"callback_url\":\"ftp://a.b/hook\"} | callback_url | invalid_value",
                "{\"prompt\":\"x\",\"callback_url\":\"not a url\"} | callback_url | invalid_value",
                "{\"prompt\":\"x\",\"user\":7}                   | user         | invalid_value",
            })
    void everyRuleNamesTheFieldAtFault(String json, String param, String code) {
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    @Test
    void limitsOnLengths() {
        assertThat(parse("{\"prompt\":\"" + "p".repeat(32_000) + "\"}").prompt())
                .hasSize(32_000);
        assertThatThrownBy(() -> parse("{\"prompt\":\"" + "p".repeat(32_001) + "\"}"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("prompt"));
        assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"user\":\"" + "u".repeat(257) + "\"}"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("user"));
        String seventeen = "\"https://a.b/c.png\",".repeat(16) + "\"https://a.b/c.png\"";
        assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"image_urls\":[" + seventeen + "]}"))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.param()).isEqualTo("image_urls"));
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> parse("\"prompt\"")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void maxCreditsIsAnOptionalPositiveJsonInteger() {
        assertThat(parse("{\"prompt\":\"x\"}").maxCredits()).isNull();
        assertThat(parse("{\"prompt\":\"x\",\"max_credits\":null}").maxCredits())
                .isNull();
        assertThat(parse("{\"prompt\":\"x\",\"max_credits\":30}").maxCredits()).isEqualTo(30L);
        assertThat(parse("{\"prompt\":\"x\",\"max_credits\":1000000000}").maxCredits())
                .isEqualTo(1_000_000_000L);
        assertThat(GenerationJson.parseEnhancement(
                                JsonMapper.shared()
                                        .readTree("{\"image_url\":\"https://example.com/a.png\",\"max_credits\":10}"),
                                null,
                                null)
                        .maxCredits())
                .isEqualTo(10L);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"0", "-1", "1.5", "1.0", "'\"10\"'", "true", "1000000001", "99999999999999999999999", "[1]"})
    void aMaxCreditsThatIsNotAnIntegerFromOneIsInvalidAndNamed(String value) {
        assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"max_credits\":" + value + "}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("max_credits");
                    assertThat(e.code()).isEqualTo("invalid_value");
                });
    }

    @Test
    void partialImagesIsAnOptionalJsonIntegerFromZeroToThree() {
        assertThat(parse("{\"prompt\":\"x\"}").partialImages()).isZero();
        assertThat(parse("{\"prompt\":\"x\",\"partial_images\":null}").partialImages())
                .isZero();
        assertThat(parse("{\"prompt\":\"x\",\"partial_images\":0}").partialImages())
                .isZero();
        assertThat(parse("{\"prompt\":\"x\",\"partial_images\":3}").partialImages())
                .isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"4", "-1", "1.5", "'\"2\"'", "true", "99999999999999999999999", "[1]"})
    void aPartialImagesOutsideZeroToThreeIsInvalidAndNamed(String value) {
        assertThatThrownBy(() -> parse("{\"prompt\":\"x\",\"partial_images\":" + value + "}"))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("partial_images");
                    assertThat(e.code()).isEqualTo("invalid_value");
                });
    }
}
