package com.imagegate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagegate.account.WorkspaceRole;
import com.imagegate.credits.Credits;
import com.imagegate.testsupport.Concurrently;
import com.imagegate.testsupport.MariaDbIntegrationTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The promo code invariant under random interleavings, from fixed seeds (a failure names its seed): random codes
 * (credits, maximum), random workspaces redeeming random codes in random concurrent batches, codes disabled and enabled
 * in between. Afterwards, for every code: what it granted in the ledger = credits × its redemptions ≤ its maximum,
 * one redemption per workspace, one REDEEMED answer per redemption, and every workspace's balance is exactly what its
 * redemptions granted.
 */
@MariaDbIntegrationTest(
        properties = {
            "imagegate.billing.promo-codes.attempts-per-workspace=100000",
            "imagegate.billing.promo-codes.attempts-per-address=100000"
        })
class PromoCodeInvariantIT {

    @Autowired
    PromoCodes promoCodes;

    @Autowired
    Credits credits;

    @Autowired
    JdbcTemplate jdbc;

    record Attempt(String workspaceId, PromoCodes.Code code) {}

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 20261204L, 777L})
    void whatACodeGrantsIsItsCreditsTimesItsRedemptionsAtMostItsMaximumOncePerWorkspace(long seed) {
        Random random = new Random(seed);
        List<PromoCodes.Code> codes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            codes.add(promoCodes.create(
                    new PromoCodes.NewCode(
                            null,
                            1 + random.nextInt(1_000),
                            random.nextBoolean() ? null : 1 + random.nextInt(60),
                            null,
                            1 + random.nextInt(6),
                            false,
                            "seed " + seed),
                    "admin:test"));
        }
        List<String> workspaces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            workspaces.add("ws_inv" + seed + "x" + i + "x" + Long.toString(random.nextLong() & 0xffffff, 36));
        }
        Map<String, Integer> redeemedAnswers = new HashMap<>();
        Set<String> redeemedPairs = new HashSet<>();
        for (int round = 0; round < 12; round++) {
            // Between batches an admin may turn a code off or on again.
            if (random.nextInt(4) == 0) {
                var code = codes.get(random.nextInt(codes.size()));
                promoCodes.setEnabled(code.id(), random.nextBoolean());
            }
            int size = 1 + random.nextInt(12);
            List<Attempt> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(new Attempt(
                        workspaces.get(random.nextInt(workspaces.size())), codes.get(random.nextInt(codes.size()))));
            }
            var outcomes = Concurrently.run(
                    size,
                    i -> promoCodes.redeem(
                            PromoCodesIT.member(batch.get(i).workspaceId(), WorkspaceRole.OWNER),
                            batch.get(i).code().code(),
                            "192.0.2." + (i % 250)));
            for (int i = 0; i < size; i++) {
                assertThat(outcomes.get(i).succeeded())
                        .as("seed %d: %s", seed, outcomes.get(i).failure())
                        .isTrue();
                if (outcomes.get(i).value().redeemed()) {
                    String pair = batch.get(i).code().id() + ":" + batch.get(i).workspaceId();
                    assertThat(redeemedPairs.add(pair))
                            .as("seed %d: %s redeemed twice", seed, pair)
                            .isTrue();
                    redeemedAnswers.merge(batch.get(i).code().id(), 1, Integer::sum);
                }
            }
        }
        Map<String, Long> expectedBalance = new HashMap<>();
        for (PromoCodes.Code created : codes) {
            PromoCodes.Code code = promoCodes.find(created.id()).orElseThrow();
            int redeemed = redeemedAnswers.getOrDefault(code.id(), 0);
            long granted = jdbc.queryForObject(
                    "select coalesce(sum(amount), 0) from credit_entry where reference like ?",
                    Long.class,
                    "promo:" + code.id() + ":%");
            int entries = jdbc.queryForObject(
                    "select count(*) from credit_entry where reference like ?",
                    Integer.class,
                    "promo:" + code.id() + ":%");
            int rows = jdbc.queryForObject(
                    "select count(*) from billing_promo_redemptions where code_id = ?", Integer.class, code.id());
            int distinct = jdbc.queryForObject(
                    "select count(distinct workspace_id) from billing_promo_redemptions where code_id = ?",
                    Integer.class,
                    code.id());
            assertThat(code.redemptions())
                    .as("seed %d, code %s", seed, code.id())
                    .isEqualTo(redeemed);
            assertThat(code.redemptions()).isLessThanOrEqualTo(code.maxRedemptions());
            assertThat(entries).isEqualTo(redeemed);
            assertThat(rows).isEqualTo(redeemed);
            assertThat(distinct).isEqualTo(redeemed);
            assertThat(granted).isEqualTo(code.credits() * redeemed);
            for (var redemption : promoCodes.redemptions(code.id(), 100)) {
                expectedBalance.merge(redemption.workspaceId(), code.credits(), Long::sum);
            }
        }
        for (String workspace : workspaces) {
            assertThat(credits.balance(workspace).spendable())
                    .as("seed %d, workspace %s", seed, workspace)
                    .isEqualTo(expectedBalance.getOrDefault(workspace, 0L));
        }
    }
}
