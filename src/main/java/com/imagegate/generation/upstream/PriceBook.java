package com.imagegate.generation.upstream;

import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Micros;
import com.imagegate.generation.Quality;
import com.imagegate.generation.UpstreamChannels.PriceCell;
import com.imagegate.generation.UpstreamPrice;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Each channel's price per image ({@code upstream_channel_prices}): an admin's cell where one is set, otherwise the
 * built-in default. Read at the start of every upstream call, so a change holds on every node from the next call on and
 * never rewrites a recorded call.
 *
 * <p>The defaults are OpenAI's published per-image prices for {@code gpt-image-1} at {@code high} quality (1024x1024:
 * 0.167; 1024x1536 and 1536x1024: 0.25; in USD), an example that operators must check against their own upstream and
 * model. {@code auto} quality lets the model choose and is priced as {@code high} (the worst case); {@code auto} size
 * as the dearest standard size. The Full HD and 4K sizes have no published per-image price: their defaults are the
 * 1024x1024 price scaled by pixel count and rounded up to the micro-unit, an estimate.
 */
public class PriceBook {

    /** OpenAI's published gpt-image-1 price per image at high quality, 1024x1024, in micro-USD. */
    static final long SQUARE_HIGH = 167_000;
    /** The same at 1024x1536 and 1536x1024. */
    static final long OBLONG_HIGH = 250_000;

    private static final Map<ImageSize, Long> DEFAULTS = defaults();

    private final JdbcClient jdbc;
    private final Clock clock;

    public PriceBook(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private static Map<ImageSize, Long> defaults() {
        Map<ImageSize, Long> prices = new EnumMap<>(ImageSize.class);
        for (ImageSize size : ImageSize.values()) {
            prices.put(
                    size,
                    switch (size) {
                        case SQUARE_1024 -> SQUARE_HIGH;
                        case LANDSCAPE_1536, PORTRAIT_1536, AUTO -> OBLONG_HIGH;
                        default -> byPixels(size);
                    });
        }
        return prices;
    }

    /** The 1024x1024 price scaled by the size's pixel count, rounded up to the micro-unit. */
    static long byPixels(ImageSize size) {
        long pixels = (long) size.width() * size.height();
        long square = 1024L * 1024L;
        return Math.ceilDiv(SQUARE_HIGH * pixels, square);
    }

    /** The built-in default of a cell (the same for every channel). */
    static long defaultPrice(ImageSize size, Quality quality) {
        return DEFAULTS.get(size);
    }

    /** The price per image in force now on a channel for a size and quality. */
    long perImage(String channel, ImageSize size, Quality quality) {
        return jdbc.sql("select micros from upstream_channel_prices where channel = ? and size = ? and quality = ?")
                .params(channel, size.wireValue(), quality.wireValue())
                .query(Long.class)
                .optional()
                .orElseGet(() -> defaultPrice(size, quality));
    }

    /** The whole table of a channel: every size by every quality. */
    List<UpstreamPrice> table(String channel) {
        Map<String, Long> set = new HashMap<>();
        jdbc.sql("select size, quality, micros from upstream_channel_prices where channel = ?")
                .param(channel)
                .query(rs -> {
                    set.put(rs.getString("size") + " " + rs.getString("quality"), rs.getLong("micros"));
                });
        List<UpstreamPrice> table = new ArrayList<>();
        for (ImageSize size : ImageSize.values()) {
            for (Quality quality : Quality.values()) {
                long fallback = defaultPrice(size, quality);
                Long chosen = set.get(size.wireValue() + " " + quality.wireValue());
                table.add(
                        new UpstreamPrice(size, quality, chosen == null ? fallback : chosen, fallback, chosen != null));
            }
        }
        return List.copyOf(table);
    }

    /** Sets cells of a channel's table (in the caller's transaction, when there is one). */
    void set(String channel, Map<PriceCell, Long> micros) {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        micros.forEach((cell, price) -> {
            if (price == null || price < 0 || price > Micros.MAX_PRICE) {
                throw new IllegalArgumentException(
                        "A price per image must be between 0 and " + Micros.format(Micros.MAX_PRICE) + ": " + price);
            }
        });
        micros.forEach((cell, price) -> {
            String size = cell.size().wireValue();
            String quality = cell.quality().wireValue();
            int updated = jdbc.sql("update upstream_channel_prices set micros = ?, changed_at = ?"
                            + " where channel = ? and size = ? and quality = ?")
                    .params(price, now, channel, size, quality)
                    .update();
            if (updated == 0) {
                try {
                    jdbc.sql("insert into upstream_channel_prices (channel, size, quality, micros, changed_at)"
                                    + " values (?, ?, ?, ?, ?)")
                            .params(channel, size, quality, price, now)
                            .update();
                } catch (DuplicateKeyException raced) {
                    jdbc.sql("update upstream_channel_prices set micros = ?, changed_at = ?"
                                    + " where channel = ? and size = ? and quality = ?")
                            .params(price, now, channel, size, quality)
                            .update();
                }
            }
        });
    }
}
