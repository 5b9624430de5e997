package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.api.ApiProperties;
import com.imagegate.apikey.ApiKeyPrincipal;
import com.imagegate.billing.Plans;
import com.imagegate.generation.Generations;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.Quote;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/images/quote} (docs/api.md): what a creation with this body would cost and whether it would be
 * accepted now. It writes nothing and counts as a read. The answer is acceptance's own ({@link Generations#quote}: its
 * checks in a transaction that is rolled back) plus the creation window read without counting, and a refusal is
 * spelled by the same mapping the creation's answer uses ({@link ImagesController#refused}).
 */
@RestController
class QuoteController {

    private final Generations generations;
    private final Plans plans;
    private final RequestRateLimiter limiter;
    private final ImagesController images;
    private final ApiProperties properties;

    QuoteController(
            Generations generations,
            Plans plans,
            RequestRateLimiter limiter,
            ImagesController images,
            ApiProperties properties) {
        this.generations = generations;
        this.plans = plans;
        this.limiter = limiter;
        this.images = images;
        this.properties = properties;
    }

    /**
     * The answer. {@code code}, {@code message}, {@code status} and {@code retry_after} are set only when the creation
     * would be refused: the error code and HTTP status it would answer with, and the seconds until the limit frees
     * when that is known. {@code price_multiplier} is set only for a workspace with custom pricing.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QuoteBody(
            String object,
            long credits,
            long balance,
            @JsonProperty("balance_after") long balanceAfter,
            boolean accepted,
            String code,
            String message,
            Integer status,
            @JsonProperty("retry_after") Long retryAfter,
            @JsonProperty("price_multiplier") BigDecimal priceMultiplier) {}

    @PostMapping("/api/v1/images/quote")
    QuoteBody quote(
            ApiKeyAuthentication caller,
            @RequestBody(required = false) byte[] body,
            @RequestParam(name = "for", required = false) String kind,
            HttpServletResponse response) {
        ApiKeyPrincipal key = caller.getPrincipal();
        images.readLimit(key, response);
        var json = ImagesController.readJson(ImagesController.checkedBody(body, null, properties));
        var plan = plans.current(key.workspaceId());
        var who = images.caller(caller, plan);
        Quote quote;
        if (kind == null || kind.equals("generations")) {
            quote = generations.quote(who, GenerationJson.parse(json, null, null));
        } else if (kind.equals("enhancements")) {
            quote = generations.quote(who, GenerationJson.parseEnhancement(json, null, null));
        } else {
            throw new InvalidRequestException("for", "invalid_value", "for must be generations or enhancements.");
        }
        // Said only for a workspace with custom pricing: credits is then the list price times it (Pricing.apply).
        BigDecimal multiplier = plan.custom().priceMultiplier();
        // The creation counts itself against the plan's window before acceptance runs, so a full window refuses first.
        var window = limiter.peekCreation(key.workspaceId(), plan.requestsPerMinute());
        if (!window.allowed()) {
            return new QuoteBody(
                    "image.quote",
                    quote.credits(),
                    quote.balance(),
                    quote.balance(),
                    false,
                    "rate_limit_exceeded",
                    "Rate limit reached: " + window.limit() + " task creations per minute "
                            + ImagesController.limitSource(plan) + ".",
                    429,
                    ImagesController.seconds(window.reset()),
                    multiplier);
        }
        if (quote.accepted()) {
            return new QuoteBody(
                    "image.quote",
                    quote.credits(),
                    quote.balance(),
                    quote.balanceAfter(),
                    true,
                    null,
                    null,
                    null,
                    null,
                    multiplier);
        }
        var refusal = images.refused(quote.refusal());
        var error = refusal.getBody().error();
        return new QuoteBody(
                "image.quote",
                quote.credits(),
                quote.balance(),
                quote.balanceAfter(),
                false,
                error.code(),
                error.message(),
                refusal.getStatusCode().value(),
                quote.refusal().retryAfter() == null
                        ? null
                        : ImagesController.seconds(quote.refusal().retryAfter()),
                multiplier);
    }

    @ExceptionHandler
    ResponseEntity<ApiError> invalid(InvalidRequestException refused) {
        return images.invalid(refused);
    }
}
