package com.imagegate.generation;

import java.time.LocalDate;

/**
 * What the upstream calls of one UTC day, channel and workspace cost (from the recorded calls), for the margin page.
 *
 * @param calls every call recorded, billed or not
 * @param billedImages the images the upstream charges for
 * @param costMicros their cost, in micro-units of {@code currency}
 * @param currency the cost currency the calls were recorded in
 */
public record UpstreamCost(
        LocalDate day,
        String channel,
        String workspaceId,
        String currency,
        long calls,
        long billedImages,
        long costMicros) {}
