package com.imagegate.generation.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Quality;
import com.imagegate.generation.UpstreamChannels.PriceCell;
import com.imagegate.generation.UpstreamPrice;
import com.imagegate.testsupport.MutableClock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** A channel's price table: OpenAI's published prices by default, an admin's cell where one is set. */
class PriceBookTests {

    private final SingleConnectionDataSource db = new SingleConnectionDataSource(
            "jdbc:h2:mem:prices" + System.nanoTime() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE", "sa", "", true);
    private final PriceBook prices;

    PriceBookTests() {
        new ResourceDatabasePopulator(
                        new ClassPathResource("db/migration/generation/V202611252010__generation_tasks.sql"),
                        new ClassPathResource("db/migration/generation/V202611252147__generation_upstream.sql"),
                        new ClassPathResource("db/migration/generation/V202612040200__generation_upstream_costs.sql"))
                .execute(db);
        prices = new PriceBook(JdbcClient.create(db), new MutableClock(Instant.parse("2026-12-04T02:00:00Z")));
    }

    @AfterEach
    void close() {
        db.destroy();
    }

    @Test
    void theDefaultsAreOpenAisPublishedHighQualityPrices() {
        assertThat(prices.perImage("main", ImageSize.SQUARE_1024, Quality.HIGH)).isEqualTo(167_000);
        assertThat(prices.perImage("main", ImageSize.SQUARE_1024, Quality.AUTO)).isEqualTo(167_000);
        assertThat(prices.perImage("main", ImageSize.PORTRAIT_1536, Quality.HIGH))
                .isEqualTo(250_000);
        assertThat(prices.perImage("main", ImageSize.LANDSCAPE_1536, Quality.AUTO))
                .isEqualTo(250_000);
        assertThat(prices.perImage("main", ImageSize.AUTO, Quality.AUTO)).isEqualTo(250_000);
        // Not published: the 1024x1024 price by pixel count, rounded up (1920x1088 is 1.9921875 times the pixels).
        assertThat(prices.perImage("main", ImageSize.LANDSCAPE_FULL_HD, Quality.HIGH))
                .isEqualTo(332_696)
                .isEqualTo(prices.perImage("main", ImageSize.PORTRAIT_FULL_HD, Quality.AUTO));
        assertThat(prices.perImage("main", ImageSize.LANDSCAPE_4K, Quality.HIGH))
                .isEqualTo(Math.ceilDiv(167_000L * 3824 * 2160, 1024L * 1024));
    }

    @Test
    void anAdminsCellOverridesTheDefaultOfThatChannelOnly() {
        prices.set("main", Map.of(new PriceCell(ImageSize.SQUARE_1024, Quality.AUTO), 200_000L));
        prices.set("main", Map.of(new PriceCell(ImageSize.SQUARE_1024, Quality.AUTO), 210_000L));

        assertThat(prices.perImage("main", ImageSize.SQUARE_1024, Quality.AUTO)).isEqualTo(210_000);
        assertThat(prices.perImage("main", ImageSize.SQUARE_1024, Quality.HIGH)).isEqualTo(167_000);
        assertThat(prices.perImage("backup", ImageSize.SQUARE_1024, Quality.AUTO))
                .isEqualTo(167_000);
        var table = prices.table("main");
        assertThat(table).hasSize(ImageSize.values().length * Quality.values().length);
        assertThat(table)
                .filteredOn(UpstreamPrice::overridden)
                .containsExactly(new UpstreamPrice(ImageSize.SQUARE_1024, Quality.AUTO, 210_000, 167_000, true));
    }

    @Test
    void aNegativeOrHugePriceIsRefusedAndNothingIsSet() {
        assertThatThrownBy(() -> prices.set(
                        "main",
                        Map.of(
                                new PriceCell(ImageSize.SQUARE_1024, Quality.HIGH), 1L,
                                new PriceCell(ImageSize.SQUARE_1024, Quality.AUTO), -1L)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        prices.set("main", Map.of(new PriceCell(ImageSize.SQUARE_1024, Quality.AUTO), 1_000_000_001L)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(prices.table("main")).noneMatch(UpstreamPrice::overridden);
    }
}
