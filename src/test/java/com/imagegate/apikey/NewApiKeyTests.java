package com.imagegate.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

class NewApiKeyTests {

    @Test
    void acceptsUnicodeNamesAndNormalizesThem() {
        var key = new NewApiKey("  Ключ für Café 🔑 👩‍💻  ", ApiKeyMode.LIVE, null, null);

        assertThat(key.name()).isEqualTo("Ключ für Café 🔑 👩‍💻");
        assertThat(new NewApiKey("Cafe\u0301", ApiKeyMode.TEST, null, null).name())
                .isEqualTo("Café");
        assertThat(new NewApiKey("x".repeat(100), ApiKeyMode.TEST, null, null).name())
                .hasSize(100);
        assertThat(new NewApiKey("🔑".repeat(100), ApiKeyMode.TEST, null, null).name())
                .as("100 characters, not 100 UTF-16 units")
                .hasSize(200);
    }

    @Test
    void refusesEmptyOverlongAndControlCharacterNames() {
        assertRefused(() -> NewApiKey.checkName(null), "name", "Give the key a name");
        assertRefused(() -> NewApiKey.checkName("   "), "name", "Give the key a name");
        assertRefused(() -> NewApiKey.checkName("x".repeat(101)), "name", "at most 100");
        assertRefused(() -> NewApiKey.checkName("two\nlines"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("tab\there"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("nul\u0000"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("bell\u0007"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("del\u007f"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("line\u2028sep"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("evil\u202Egnp.exe"), "name", "control characters");
        assertRefused(() -> NewApiKey.checkName("lone \uD800 half"), "name", "control characters");
    }

    @Test
    void refusesAMissingMode() {
        assertRefused(() -> new NewApiKey("ok", null, null, null), "mode", "live or test");
        assertRefused(() -> ApiKeyMode.parse(""), "mode", "live or test");
        assertRefused(() -> ApiKeyMode.parse("LIVE"), "mode", "live or test");
        assertRefused(() -> ApiKeyMode.parse("prod"), "mode", "live or test");
        assertThat(ApiKeyMode.parse("live")).isEqualTo(ApiKeyMode.LIVE);
        assertThat(ApiKeyMode.parse("test")).isEqualTo(ApiKeyMode.TEST);
    }

    @Test
    void aBudgetIsMonthlyUnlessADayOrAWeekIsChosen() {
        assertThat(new NewApiKey("ok", ApiKeyMode.LIVE, null, 10L).budgetPeriod())
                .isEqualTo(KeyBudgetPeriod.MONTH);
        assertThat(KeyBudgetPeriod.parse("")).isEqualTo(KeyBudgetPeriod.MONTH);
        assertThat(KeyBudgetPeriod.parse("week")).isEqualTo(KeyBudgetPeriod.WEEK);
        assertThat(KeyBudgetPeriod.parse(" Day ")).isEqualTo(KeyBudgetPeriod.DAY);
        assertRefused(() -> KeyBudgetPeriod.parse("year"), "budgetPeriod", "a day, a week or a month");
    }

    @Test
    void monthlyCapIsAPositiveWholeNumberOrNothing() {
        assertThat(NewApiKey.parseMonthlyCreditCap("")).isNull();
        assertThat(NewApiKey.parseMonthlyCreditCap("  ")).isNull();
        assertThat(NewApiKey.parseMonthlyCreditCap("5000")).isEqualTo(5000L);
        assertThat(NewApiKey.parseMonthlyCreditCap(" 25,000 ")).isEqualTo(25_000L);
        assertThat(NewApiKey.parseMonthlyCreditCap("1000000000")).isEqualTo(1_000_000_000L);
        for (String bad : new String[] {"-5", "abc", "1.5", "1e6", "５０", "12345678901", "0x10", "5000; drop table"}) {
            assertRefused(() -> NewApiKey.parseMonthlyCreditCap(bad), "monthlyCreditCap", "whole number");
        }
        assertRefused(() -> NewApiKey.parseMonthlyCreditCap("0"), "monthlyCreditCap", "between 1 and");
        assertRefused(() -> NewApiKey.parseMonthlyCreditCap("9999999999"), "monthlyCreditCap", "between 1 and");
        assertRefused(() -> new NewApiKey("ok", ApiKeyMode.LIVE, null, -1L), "monthlyCreditCap", "between 1 and");
        assertRefused(() -> new NewApiKey("ok", ApiKeyMode.LIVE, null, 0L), "monthlyCreditCap", "between 1 and");
    }

    @Test
    void aKeysLimitPerEndUserIsAWholeNumberFromZeroOrTheWorkspacesDefault() {
        assertThat(NewApiKey.parseUserDailyCreditLimit("")).isNull();
        assertThat(NewApiKey.parseUserDailyCreditLimit("  ")).isNull();
        assertThat(NewApiKey.parseUserDailyCreditLimit("0")).isZero();
        assertThat(NewApiKey.parseUserDailyCreditLimit(" 1,000 ")).isEqualTo(1_000L);
        assertThat(NewApiKey.parseUserDailyCreditLimit("1_000_000_000_000")).isEqualTo(1_000_000_000_000L);
        for (String bad : new String[] {"-1", "ten", "1.5", "1e3", ",5", "5,", "5 credits"}) {
            assertRefused(() -> NewApiKey.parseUserDailyCreditLimit(bad), "userDailyCreditLimit", "whole number");
        }
        assertRefused(() -> NewApiKey.parseUserDailyCreditLimit("1000000000001"), "userDailyCreditLimit", "at most");
        assertRefused(
                () -> new NewApiKey("ok", ApiKeyMode.LIVE, null, null, null, -1L), "userDailyCreditLimit", "between");
        assertThat(new NewApiKey("ok", ApiKeyMode.LIVE, null, null).userDailyCreditLimit())
                .isNull();
    }

    @Test
    void expiryIsAnIsoDateOrNothing() {
        assertThat(NewApiKey.parseExpiresOn("")).isNull();
        assertThat(NewApiKey.parseExpiresOn("2027-01-31")).isEqualTo(LocalDate.of(2027, 1, 31));
        for (String bad :
                new String[] {"2027-02-30", "31/01/2027", "tomorrow", "2027-1-1", "+99999-01-01", "2027-01-31T00:00"}) {
            assertRefused(() -> NewApiKey.parseExpiresOn(bad), "expiresOn", "YYYY-MM-DD");
        }
    }

    @Test
    void statusIsRevokedBeforeExpiredBeforeActive() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        var active = summary(null, null);
        assertThat(active.status(now)).isEqualTo(ApiKeySummary.Status.ACTIVE);
        assertThat(summary(now.plusSeconds(1), null).status(now)).isEqualTo(ApiKeySummary.Status.ACTIVE);
        assertThat(summary(now, null).status(now)).isEqualTo(ApiKeySummary.Status.EXPIRED);
        assertThat(summary(now.minusSeconds(1), now.minusSeconds(5)).status(now))
                .isEqualTo(ApiKeySummary.Status.REVOKED);
    }

    @Test
    void aCreatedKeyNeverPrintsItsSecret() {
        var created = new CreatedApiKey(summary(null, null), "ig_live_AbC1" + "x".repeat(39));

        assertThat(created.toString()).contains("ig_live_AbC1").doesNotContain("xxxx");
    }

    private static ApiKeySummary summary(Instant expiresAt, Instant revokedAt) {
        return new ApiKeySummary(
                "key_1",
                "k",
                "ig_live_AbC1",
                ApiKeyMode.LIVE,
                "usr_1",
                Instant.EPOCH,
                expiresAt,
                null,
                null,
                revokedAt,
                null,
                null,
                null);
    }

    private static void assertRefused(ThrowableAssert.ThrowingCallable call, String field, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ApiKeyException.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessageContaining(message);
    }
}
