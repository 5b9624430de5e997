package com.imagegate.api.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.imagegate.billing.Catalog;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Pricing;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/pricing} (docs/api.md): the price table and the catalog, public (no key; its own security chain
 * in {@link ApiSecurityConfiguration}) and cacheable for five minutes. Built from the configured prices
 * ({@link Pricing}) and plans and packs ({@link Catalog}), so it says what the server charges.
 */
@RestController
class PricingController {

    static final String PATH = "/api/v1/pricing";
    private static final CacheControl CACHE =
            CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();

    private final Pricing pricing;
    private final Catalog catalog;

    PricingController(Pricing pricing, Catalog catalog) {
        this.pricing = pricing;
        this.catalog = catalog;
    }

    record SizePrice(
            String size, @JsonProperty("credits_per_image") long creditsPerImage) {}

    record Enhancement(long credits) {}

    /**
     * A plan: {@code price} in minor units of {@code currency} (cents) per {@code interval}; {@code credits} each
     * period. The free plan has price 0 and no interval or credits.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Plan(
            String id,
            String name,
            long price,
            String currency,
            Long credits,
            String interval,
            @JsonProperty("requests_per_minute") int requestsPerMinute,
            @JsonProperty("concurrent_tasks") int concurrentTasks) {}

    /** A one-time pack: {@code price} in minor units of {@code currency}; its credits expire after {@code validity}. */
    record Pack(String id, String name, long price, String currency, long credits, String validity) {}

    record PricingBody(
            String object, List<SizePrice> images, Enhancement enhancement, List<Plan> plans, List<Pack> packs) {}

    @GetMapping(PATH)
    ResponseEntity<PricingBody> pricing() {
        var images = Arrays.stream(ImageSize.values())
                .map(size -> new SizePrice(size.wireValue(), pricing.creditsPerImage(size)))
                .toList();
        var free = catalog.free();
        var plans = new java.util.ArrayList<Plan>();
        plans.add(new Plan("free", free.name(), 0, null, null, null, free.requestsPerMinute(), free.concurrentTasks()));
        catalog.subscriptionsById()
                .forEach((id, plan) -> plans.add(new Plan(
                        id,
                        plan.name(),
                        plan.priceCents(),
                        plan.currency(),
                        plan.creditsPerPeriod(),
                        "month",
                        plan.requestsPerMinute(),
                        plan.concurrentTasks())));
        var packs = catalog.packsById().entrySet().stream()
                .map(e -> new Pack(
                        e.getKey(),
                        e.getValue().name(),
                        e.getValue().priceCents(),
                        e.getValue().currency(),
                        e.getValue().credits(),
                        e.getValue().validity() == null
                                ? null
                                : e.getValue().validity().toString()))
                .toList();
        return ResponseEntity.ok()
                .cacheControl(CACHE)
                .body(new PricingBody(
                        "pricing", images, new Enhancement(pricing.enhancementCredits()), List.copyOf(plans), packs));
    }
}
