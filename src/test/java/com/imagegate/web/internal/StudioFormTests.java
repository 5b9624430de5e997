package com.imagegate.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.ImageInput;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Quality;
import com.imagegate.generation.RequestField;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The studio's form mapped to the typed request, and the generation module's refusals named in the studio's terms. */
class StudioFormTests {

    static StudioForm form(String prompt, String n, String urls) {
        return new StudioForm(prompt, "1536x1024", "high", "webp", n, urls, List.of("task_1:2", "nonsense"), null);
    }

    @Test
    void theFormMapsToTheRequest() {
        var form = form("A lighthouse", " 3 ", "https://example.com/a.png\n\n  https://example.com/b.png  \n");
        var request = form.request(form.count().orElseThrow(), form.results());

        assertThat(request.prompt()).isEqualTo("A lighthouse");
        assertThat(request.n()).isEqualTo(3);
        assertThat(request.size()).isEqualTo(ImageSize.LANDSCAPE_1536);
        assertThat(request.quality()).isEqualTo(Quality.HIGH);
        assertThat(request.format()).isEqualTo(OutputFormat.WEBP);
        assertThat(request.imageUrls()).hasSize(2);
        assertThat(request.inputs()).containsExactly(ImageInput.result("task_1", 2));
        assertThat(form("x", "three", "").count()).isEmpty();
        assertThat(new StudioForm("x", "", "", "", null, null, null, null).count())
                .contains(1);
        assertThat(new StudioForm("x", "", "", "", " ", null, null, null).count())
                .isEmpty();
    }

    @Test
    void blankFieldsAreLeftOut() {
        var request = new StudioForm("x", " ", "", null, null, "", null, null).request(1, List.of());

        assertThat(request.size()).isEqualTo(ImageSize.AUTO);
        assertThat(request.quality()).isEqualTo(Quality.AUTO);
        assertThat(request.format()).isEqualTo(OutputFormat.PNG);
        assertThat(request.partialImages()).isZero();
        assertThat(new StudioForm("x", "", "", "", null, null, null, "on")
                        .request(1, List.of())
                        .partialImages())
                .isEqualTo(StudioForm.PREVIEWS);
        assertThatThrownBy(() -> form(" ", "1", "").request(1, List.of()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("prompt");
                    assertThat(e.getMessage()).isEqualTo("prompt is required unless image_urls is given.");
                });
    }

    @Test
    void aRefusedValueIsNamedAsTheStudioAlwaysNamedIt() {
        assertThatThrownBy(() -> form("x", "11", "").request(11, List.of()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("n");
                    assertThat(e.getMessage()).isEqualTo("n must be an integer from 1 to 10.");
                });
        assertThatThrownBy(() ->
                        form("x", "1", "https://example.com/a.png\nnot a url").request(1, List.of()))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.param()).isEqualTo("image_urls[1]");
                    assertThat(e.getMessage()).isEqualTo("image_urls[1] must be an http(s) URL.");
                });
    }

    @Test
    void uploadsAreReferencesOneOrIndexed() {
        var refused = new InvalidRequestException(
                RequestField.INPUTS, 1, "invalid_value", names -> names.name(RequestField.INPUTS, 1) + ": bad.");

        assertThat(refused.named(StudioForm.names(2)).param()).isEqualTo("references[1]");
        assertThat(refused.named(StudioForm.names(2)).getMessage()).isEqualTo("references[1]: bad.");
        var only = new InvalidRequestException(
                RequestField.INPUTS, 0, "invalid_value", names -> names.name(RequestField.INPUTS, 0) + ": bad.");
        assertThat(only.named(StudioForm.names(1)).getMessage()).isEqualTo("references: bad.");
        assertThat(StudioForm.names(3).name(RequestField.INPUTS, -1)).isEqualTo("references");
        assertThat(StudioForm.names(1).name(RequestField.IMAGE, -1)).isEqualTo("image");
    }
}
