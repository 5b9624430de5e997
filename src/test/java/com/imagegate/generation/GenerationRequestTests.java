package com.imagegate.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The generation module's request rules, on the typed requests themselves: no JSON, no form, no Spring. */
class GenerationRequestTests {

    /** The edge names used here: upper case, so that a message can only have come through them. */
    static final InvalidRequestException.FieldNames SHOUTED =
            (field, index) -> field.name() + (index < 0 ? "" : "#" + index);

    static GenerationRequest.Builder prompt(String prompt) {
        return GenerationRequest.builder().prompt(prompt);
    }

    static InvalidRequestException refusal(ThrowingCallable call) {
        var caught = new InvalidRequestException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class, e -> caught[0] = e);
        return caught[0];
    }

    static void refuses(ThrowingCallable call, RequestField field, int index, String code) {
        var refused = refusal(call);
        assertThat(refused.field()).isEqualTo(field);
        assertThat(refused.index()).isEqualTo(index);
        assertThat(refused.code()).isEqualTo(code);
    }

    @Test
    void defaultsApplyWhenValuesAreLeftOut() {
        var request = prompt("x").build();

        assertThat(request.model()).isEqualTo("gpt-image-2");
        assertThat(request.n()).isEqualTo(1);
        assertThat(request.size()).isEqualTo(ImageSize.AUTO);
        assertThat(request.quality()).isEqualTo(Quality.AUTO);
        assertThat(request.format()).isEqualTo(OutputFormat.PNG);
        assertThat(request.imageUrls()).isEmpty();
        assertThat(request.inputs()).isEmpty();
        assertThat(request.mask()).isNull();
        assertThat(request.idempotency()).isEqualTo(GenerationRequest.Idempotency.NONE);
        // The record itself applies the same defaults: no edge has to know them.
        var bare = new GenerationRequest(null, "x", null, null, null, 1, null, null, null, null, null, null, null, 0);
        assertThat(bare).isEqualTo(request);
    }

    @Test
    void spellingsAndAliasesAreReadAsTheirValues() {
        var request = GenerationRequest.builder()
                .model("gpt-image-2-image-to-image-2026-04-21")
                .imageUrls(List.of(" https://example.com/a.png "))
                .size(" 1920\u00d71088 ")
                .quality("HIGH")
                .format("jpg")
                .idempotency("key-1", "digest")
                .build();

        assertThat(request.model()).isEqualTo("gpt-image-2-image-to-image");
        assertThat(request.prompt()).isNull();
        assertThat(request.imageUrls()).containsExactly(URI.create("https://example.com/a.png"));
        assertThat(request.size()).isEqualTo(ImageSize.LANDSCAPE_FULL_HD);
        assertThat(request.quality()).isEqualTo(Quality.HIGH);
        assertThat(request.format()).isEqualTo(OutputFormat.JPEG);
        assertThat(request.idempotency()).isEqualTo(new GenerationRequest.Idempotency("key-1", "digest"));
    }

    @Test
    void nIsOneToTen() {
        assertThat(prompt("x").n(10).build().n()).isEqualTo(10);
        refuses(() -> prompt("x").n(0).build(), RequestField.N, -1, "invalid_value");
        refuses(() -> prompt("x").n(11).build(), RequestField.N, -1, "invalid_value");
        // Not only the builder: the record cannot be made with a bad n either.
        refuses(
                () -> new GenerationRequest(
                        null, "x", null, null, null, 11, null, null, null, null, null, null, null, 0),
                RequestField.N,
                -1,
                "invalid_value");
    }

    @Test
    void promptRules() {
        assertThat(prompt("p".repeat(32_000)).build().prompt()).hasSize(32_000);
        // Counted in code points: 32,000 emoji are 64,000 chars and still allowed.
        assertThat(prompt("\uD83D\uDE00".repeat(32_000)).build().prompt()).hasSize(64_000);
        refuses(() -> prompt("p".repeat(32_001)).build(), RequestField.PROMPT, -1, "invalid_value");
        refuses(() -> prompt("  ").build(), RequestField.PROMPT, -1, "invalid_value");
        refuses(() -> prompt("a\u0000b").build(), RequestField.PROMPT, -1, "invalid_value");
        refuses(() -> GenerationRequest.builder().build(), RequestField.PROMPT, -1, "missing_required_parameter");
        // Inputs given with the request do not replace the prompt; only image URLs do.
        refuses(
                () -> GenerationRequest.builder()
                        .inputs(List.of(ImageInput.result("task_1", 0)))
                        .build(),
                RequestField.PROMPT,
                -1,
                "missing_required_parameter");
    }

    @Test
    void modelsAreOursOrADatedSnapshotOfOne() {
        assertThat(prompt("x").model("gpt-image-2-2026-04-21").build().model()).isEqualTo("gpt-image-2");
        refuses(() -> prompt("x").model("dall-e-3").build(), RequestField.MODEL, -1, "invalid_value");
        refuses(() -> prompt("x").model("dall-e-3-2026-04-21").build(), RequestField.MODEL, -1, "invalid_value");
        refuses(() -> prompt("x").model("m".repeat(65)).build(), RequestField.MODEL, -1, "invalid_value");
    }

    @Test
    void urlRulesNameTheItemAtFault() {
        String ok = "https://example.com/a.png";
        refuses(
                () -> prompt("x")
                        .imageUrls(List.of(ok, ok, "file:///etc/passwd"))
                        .build(),
                RequestField.IMAGE_URLS,
                2,
                "invalid_value");
        refuses(
                () -> prompt("x")
                        .imageUrls(List.of("https://user:pw@example.com/a.png"))
                        .build(),
                RequestField.IMAGE_URLS,
                0,
                "invalid_value");
        refuses(
                () -> prompt("x")
                        .imageUrls(List.of(ok, "https://example.com/" + "a".repeat(2048)))
                        .build(),
                RequestField.IMAGE_URLS,
                1,
                "invalid_value");
        refuses(
                () -> prompt("x").imageUrls(Collections.nCopies(17, ok)).build(),
                RequestField.IMAGE_URLS,
                -1,
                "invalid_value");
        refuses(() -> prompt("x").callbackUrl("not a url").build(), RequestField.CALLBACK_URL, -1, "invalid_value");
        refuses(
                () -> prompt("x").callbackUrl("ftp://example.com/h").build(),
                RequestField.CALLBACK_URL,
                -1,
                "invalid_value");
    }

    @Test
    void atMostSixteenReferenceImagesInAll() {
        var urls = Collections.nCopies(10, "https://example.com/a.png");
        var inputs = Collections.<ImageInput>nCopies(6, ImageInput.result("task_1", 0));
        assertThat(prompt("x").imageUrls(urls).inputs(inputs).build().inputs()).hasSize(6);

        var refused = refusal(() -> prompt("x")
                .imageUrls(urls)
                .inputs(Collections.nCopies(7, ImageInput.result("task_1", 0)))
                .build());
        assertThat(refused.field()).isEqualTo(RequestField.INPUTS);
        assertThat(refused.named(SHOUTED).param()).isEqualTo("INPUTS");
        assertThat(refused.named(SHOUTED).getMessage()).isEqualTo("At most 16 reference images in all.");
    }

    @Test
    void choicesAndTextLimits() {
        refuses(() -> prompt("x").size("512x512").build(), RequestField.SIZE, -1, "invalid_value");
        refuses(() -> prompt("x").quality("ultra").build(), RequestField.QUALITY, -1, "invalid_value");
        refuses(() -> prompt("x").format("gif").build(), RequestField.OUTPUT_FORMAT, -1, "invalid_value");
        refuses(() -> prompt("x").user("u".repeat(257)).build(), RequestField.USER, -1, "invalid_value");
        assertThat(prompt("x").user("u".repeat(256)).build().user()).hasSize(256);
    }

    @Test
    void anEdgeNamesTheFieldInItsMessagesAndParam() {
        var refused = refusal(() -> prompt("x")
                .imageUrls(List.of("https://example.com/a.png", "ftp://example.com/b.png"))
                .build());

        // Until an edge names it, the domain's own spelling.
        assertThat(refused.param()).isEqualTo("imageUrls[1]");
        assertThat(refused.getMessage())
                .isEqualTo("imageUrls[1] must be an http(s) URL with a host and no credentials.");
        var named = refused.named(SHOUTED);
        assertThat(named.param()).isEqualTo("IMAGE_URLS#1");
        assertThat(named.code()).isEqualTo("invalid_value");
        assertThat(named.getMessage()).isEqualTo("IMAGE_URLS#1 must be an http(s) URL with a host and no credentials.");
        assertThat(named.field()).isNull();

        // A message may name more than its own field.
        assertThat(refusal(() -> GenerationRequest.builder().build())
                        .named(SHOUTED)
                        .getMessage())
                .isEqualTo("PROMPT is required unless IMAGE_URLS is given.");
        // An exception made by an edge, in its own terms, stays as it is.
        var edgeMade = new InvalidRequestException("colour", "unknown_parameter", "Unknown parameter: 'colour'.");
        assertThat(edgeMade.named(SHOUTED)).isSameAs(edgeMade);
    }

    @Test
    void enhancementRules() {
        var request = EnhancementRequest.ofUrl("https://example.com/a.png");
        assertThat(request.image())
                .isEqualTo(new EnhancementRequest.Image.Url(URI.create("https://example.com/a.png")));
        assertThat(request.scale()).isEqualTo(2);
        assertThat(request.format()).isEqualTo(OutputFormat.PNG);
        assertThat(request.withScale(4).scale()).isEqualTo(4);

        refuses(() -> EnhancementRequest.ofUrl("ftp://example.com/a.png"), RequestField.IMAGE, -1, "invalid_value");
        refuses(() -> request.withScale(3), RequestField.SCALE, -1, "invalid_value");
        refuses(() -> request.withUser("u".repeat(257)), RequestField.USER, -1, "invalid_value");
        refuses(() -> request.withCallbackUrl("not a url"), RequestField.CALLBACK_URL, -1, "invalid_value");

        var given = EnhancementRequest.of(ImageInput.result("task_1", 0));
        assertThat(given.image()).isEqualTo(new EnhancementRequest.Image.Given(new ImageInput.Result("task_1", 0)));
    }

    @Test
    void maxCreditsIsNoneOrAnIntegerFromOne() {
        assertThat(GenerationRequest.builder().prompt("x").build().maxCredits()).isNull();
        assertThat(GenerationRequest.builder()
                        .prompt("x")
                        .maxCredits(1L)
                        .build()
                        .maxCredits())
                .isEqualTo(1L);
        refuses(
                () -> GenerationRequest.builder().prompt("x").maxCredits(0L).build(),
                RequestField.MAX_CREDITS,
                -1,
                "invalid_value");
        refuses(
                () -> GenerationRequest.builder()
                        .prompt("x")
                        .maxCredits(GenerationRequests.MAX_MAX_CREDITS + 1)
                        .build(),
                RequestField.MAX_CREDITS,
                -1,
                "invalid_value");
        refuses(
                () -> EnhancementRequest.ofUrl("https://example.com/a.png").withMaxCredits(-1L),
                RequestField.MAX_CREDITS,
                -1,
                "invalid_value");
        // A request made again keeps its ceiling.
        var capped = GenerationRequest.builder().prompt("x").maxCredits(20L).build();
        assertThat(capped.withIdempotency("k", "d").maxCredits()).isEqualTo(20L);
        assertThat(capped.withInputs(java.util.List.of(), null).maxCredits()).isEqualTo(20L);
    }
}
