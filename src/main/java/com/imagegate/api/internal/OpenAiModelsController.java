package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.generation.GenerationRequests;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} in the OpenAI shape: the image models this server offers. */
@RestController
class OpenAiModelsController {

    /** 2026-04-21, the date of the model snapshot the aliases route to. */
    static final long CREATED = 1_776_729_600L;

    private final ImagesController images;

    OpenAiModelsController(ImagesController images) {
        this.images = images;
    }

    record Model(
            String id,
            String object,
            long created,
            @JsonProperty("owned_by") String ownedBy) {}

    record ModelList(String object, List<Model> data) {}

    @GetMapping("/v1/models")
    ModelList list(ApiKeyAuthentication caller, HttpServletResponse response) {
        images.readLimit(caller.getPrincipal(), response);
        return new ModelList(
                "list",
                GenerationRequests.MODELS.stream()
                        .map(OpenAiModelsController::model)
                        .toList());
    }

    @GetMapping("/v1/models/{id}")
    Model get(ApiKeyAuthentication caller, @PathVariable String id, HttpServletResponse response) {
        images.readLimit(caller.getPrincipal(), response);
        if (!GenerationRequests.MODELS.contains(id)) {
            throw new ApiException(
                    404,
                    ApiError.invalidRequest(
                            "The model '" + (id.length() > 64 ? id.substring(0, 64) + "…" : id)
                                    + "' does not exist. Models here: " + String.join(", ", GenerationRequests.MODELS)
                                    + ".",
                            "model",
                            "model_not_found"));
        }
        return model(id);
    }

    private static Model model(String id) {
        return new Model(id, "model", CREATED, "imagegate");
    }
}
