package com.imagegate.generation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI-compatible upstream channels: their health as this node sees it, an admin's switch to take one out of (or
 * back into) service on every node, the provider calls each task made, and each channel's price table (what a call
 * costs the operator).
 */
public interface UpstreamChannels {

    /** Every configured channel, highest priority first (empty when no upstream is configured). */
    List<ChannelHealth> channels();

    /**
     * Takes a channel out of service, or puts it back, on every node (stored in the database).
     *
     * @return the channel's health after the change
     * @throws IllegalArgumentException when no channel has that name
     */
    ChannelHealth setEnabled(String name, boolean enabled);

    /**
     * Every node's calls per channel over the last {@code window}, from the recorded provider calls: each configured
     * channel (with zero calls when it had none), then any other channel that still has calls in the window.
     */
    List<ChannelTraffic> traffic(Duration window);

    /** The upstream calls a task made, in the order they started (empty for sandbox tasks). */
    List<ProviderAttempt> attempts(String taskId);

    /** The operator's cost currency ({@code imagegate.generation.cost-currency}), e.g. {@code USD}. */
    String costCurrency();

    /**
     * A channel's price per image, every size by every quality (sizes in {@link ImageSize} order, then qualities).
     *
     * @throws IllegalArgumentException when no channel has that name
     */
    List<UpstreamPrice> prices(String channel);

    /**
     * Sets some of a channel's prices per image (micro-units of the cost currency), on every node, from the next call
     * on. Calls already recorded keep the price they were made at.
     *
     * @return the channel's whole table after the change
     * @throws IllegalArgumentException when no channel has that name or a price is negative or above {@link
     *     Micros#MAX_PRICE}
     */
    List<UpstreamPrice> setPrices(String channel, Map<PriceCell, Long> micros);

    /**
     * The recorded calls started in {@code [from, to)}, summed per UTC day, channel, workspace and cost currency (calls
     * recorded before costs were are left out), ordered by day, channel, workspace.
     */
    List<UpstreamCost> costs(Instant from, Instant to);

    /** What the upstream calls of a task cost, in micro-units of the cost currency (0 for sandbox tasks). */
    long taskCost(String taskId);

    /** One cell of a price table. */
    record PriceCell(ImageSize size, Quality quality) {

        public PriceCell {
            if (size == null || quality == null) {
                throw new IllegalArgumentException("a price cell needs a size and a quality");
            }
        }
    }
}
