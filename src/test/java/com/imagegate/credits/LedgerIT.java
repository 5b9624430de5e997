package com.imagegate.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.imagegate.Ids;
import com.imagegate.credits.internal.ExpiryJob;
import com.imagegate.testsupport.Http;
import com.imagegate.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.groups.Tuple;
import org.jobrunr.storage.StorageProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The ledger's behaviour through its public API, on MariaDB. */
@CreditsIntegrationTest
class LedgerIT {

    @Autowired
    Credits credits;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MockMvc mockMvc;

    @Autowired
    StorageProvider jobStorage;

    @Autowired
    ExpiryJob expiryJob;

    @LocalServerPort
    int port;

    String workspace;

    @BeforeEach
    void newWorkspace() {
        workspace = Ids.next("ws");
    }

    Instant in(Duration duration) {
        return clock.instant().plus(duration);
    }

    LedgerEntry grant(long amount, LotSource source, Instant expiresAt) {
        return credits.grant(
                new Grant(workspace, amount, source, expiresAt, "grant:" + Ids.next("ref"), "system", null));
    }

    Reservation reserve(long amount, String reference) {
        return credits.reserve(new Reserve(workspace, amount, reference, null, "usr_test"));
    }

    List<LedgerEntry> allEntries() {
        List<LedgerEntry> all = new ArrayList<>();
        HistoryQuery query = HistoryQuery.firstPage(workspace, HistoryQuery.MAX_LIMIT);
        HistoryPage page;
        do {
            page = credits.history(query);
            all.addAll(page.entries());
            query = query.after(page.nextCursor());
        } while (page.nextCursor() != null);
        return all;
    }

    long count(String reference) {
        return jdbc.queryForObject("select count(*) from credit_entry where reference = ?", Long.class, reference);
    }

    @Test
    void aTaskOfFourImagesWhereThreeSucceedCapturesThreeAndReleasesOne() {
        grant(100, LotSource.SIGNUP, in(Duration.ofDays(30)));

        Reservation reservation = reserve(40, "task_a");
        assertThat(reservation.credits()).isEqualTo(40);
        assertThat(credits.balance(workspace).spendable()).isEqualTo(60);
        assertThat(credits.balance(workspace).reserved()).isEqualTo(40);

        Settlement settlement = credits.capture(new Capture("task_a", 30));

        assertThat(settlement.outcome()).isEqualTo(Settlement.Outcome.CAPTURED);
        assertThat(settlement.captured()).isEqualTo(30);
        assertThat(settlement.released()).isEqualTo(10);
        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isEqualTo(70);
        assertThat(balance.reserved()).isZero();
        assertThat(allEntries())
                .extracting(LedgerEntry::kind, LedgerEntry::credits, LedgerEntry::held)
                .containsExactlyInAnyOrder(
                        Tuple.tuple(EntryKind.GRANT, 100L, 0L),
                        Tuple.tuple(EntryKind.RESERVE, -40L, 40L),
                        Tuple.tuple(EntryKind.CAPTURE, 0L, -30L),
                        Tuple.tuple(EntryKind.RELEASE, 10L, -10L));
    }

    @Test
    void everyCommandReplayedReturnsTheFirstOutcomeAndWritesNothing() {
        Grant grant = new Grant(workspace, 50, LotSource.PACK, null, "stripe:" + Ids.next("evt"), "system", "pack");
        LedgerEntry first = credits.grant(grant);
        assertThat(credits.grant(grant)).isEqualTo(first);

        Reserve reserve = new Reserve(workspace, 20, "task_r", null, "usr_1");
        Reservation reserved = credits.reserve(reserve);
        assertThat(credits.reserve(reserve)).isEqualTo(reserved);

        Settlement captured = credits.capture(new Capture("task_r", 15));
        assertThat(credits.capture(new Capture("task_r", 15))).isEqualTo(captured);

        reserve(5, "task_s");
        Settlement released = credits.release(new Release("task_s"));
        assertThat(credits.release(new Release("task_s"))).isEqualTo(released);
        assertThat(released.released()).isEqualTo(5);

        Adjust adjust = new Adjust(workspace, 7, "adj:" + Ids.next("ref"), "adm_1", "goodwill");
        assertThat(credits.adjust(adjust)).isEqualTo(credits.adjust(adjust));

        assertThat(allEntries()).hasSize(7); // grant, reserve, capture, release, reserve, release, adjustment
        assertThat(credits.balance(workspace).spendable()).isEqualTo(50 - 15 + 7);
    }

    @Test
    void illegalTransitionsAreRefusedAndWriteNothing() {
        grant(100, LotSource.SIGNUP, null);
        reserve(10, "task_released");
        credits.release(new Release("task_released"));
        reserve(10, "task_captured");
        credits.capture(new Capture("task_captured", 10));
        reserve(10, "task_open");
        int entries = allEntries().size();

        assertThatThrownBy(() -> credits.capture(new Capture("task_released", 10)))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> credits.release(new Release("task_captured")))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> credits.capture(new Capture("task_captured", 5)))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> credits.capture(new Capture("task_open", 11)))
                .isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> credits.release(new Release("task_" + Ids.next("none"))))
                .isInstanceOf(UnknownReservationException.class);

        assertThat(allEntries()).hasSize(entries);
        assertThat(credits.balance(workspace).reserved()).isEqualTo(10);
    }

    @Test
    void aReferenceNamesOneOperationOnly() {
        String reference = "signup:" + Ids.next("usr");
        credits.grant(new Grant(workspace, 100, LotSource.SIGNUP, null, reference, "system", null));
        String other = Ids.next("ws");

        assertThatThrownBy(
                        () -> credits.grant(new Grant(other, 100, LotSource.SIGNUP, null, reference, "system", null)))
                .isInstanceOf(ReferenceConflictException.class);
        assertThatThrownBy(() ->
                        credits.grant(new Grant(workspace, 99, LotSource.SIGNUP, null, reference, "system", null)))
                .isInstanceOf(ReferenceConflictException.class);

        reserve(10, "task_shared");
        credits.grant(new Grant(other, 100, LotSource.SIGNUP, null, "signup:" + Ids.next("usr"), "system", null));
        assertThatThrownBy(() -> credits.reserve(new Reserve(other, 10, "task_shared", null, "usr_2")))
                .isInstanceOf(ReferenceConflictException.class);
        assertThat(credits.balance(other).spendable()).isEqualTo(100);
    }

    @Test
    void reservesSpendTheLotExpiringFirstAndShowEveryLotWithItsExpiry() {
        LedgerEntry pack = grant(50, LotSource.PACK, null);
        grant(20, LotSource.SIGNUP, in(Duration.ofDays(10)));
        grant(30, LotSource.PLAN, in(Duration.ofDays(5)));

        reserve(40, "task_lots");

        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isEqualTo(60);
        assertThat(balance.reserved()).isEqualTo(40);
        assertThat(balance.lots())
                .extracting(LotBalance::source, LotBalance::granted, LotBalance::available, LotBalance::reserved)
                .containsExactly(
                        Tuple.tuple(LotSource.PLAN, 30L, 0L, 30L),
                        Tuple.tuple(LotSource.SIGNUP, 20L, 10L, 10L),
                        Tuple.tuple(LotSource.PACK, 50L, 50L, 0L));
        assertThat(balance.lots().get(0).expiresAt()).isAfter(clock.instant());
        assertThat(balance.lots().get(2).expiresAt()).isNull();
        assertThat(pack.kind()).isEqualTo(EntryKind.PURCHASE);
    }

    @Test
    void anExpiredLotIsNeverReservedAndTheJobWritesItOffExactlyOnce() throws Exception {
        grant(50, LotSource.SIGNUP, in(Duration.ofHours(1)));
        grant(10, LotSource.PACK, null);
        String expiring = credits.balance(workspace).lots().get(0).lotId();

        clock.advance(Duration.ofHours(2));

        assertThat(credits.balance(workspace).spendable()).isEqualTo(10);
        assertThatThrownBy(() -> reserve(20, "task_too_big"))
                .isInstanceOfSatisfying(InsufficientCreditsException.class, refused -> {
                    assertThat(refused.requested()).isEqualTo(20);
                    assertThat(refused.spendable()).isEqualTo(10);
                });
        // JobRunr runs the recurring job (every 5 s in this context) on its own.
        await().atMost(Duration.ofSeconds(30)).until(() -> count("expiry:" + expiring) == 1);
        // Running it again, even twice at once, writes nothing more.
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(expiryJob::writeOffExpiredLots),
                        CompletableFuture.runAsync(expiryJob::writeOffExpiredLots))
                .get();
        expiryJob.writeOffExpiredLots();

        assertThat(count("expiry:" + expiring)).isEqualTo(1);
        List<LedgerEntry> expiries = credits.history(
                        new HistoryQuery(workspace, Set.of(EntryKind.EXPIRY), null, null, null, 10))
                .entries();
        assertThat(expiries).singleElement().satisfies(entry -> {
            assertThat(entry.credits()).isEqualTo(-50);
            assertThat(entry.actor()).isEqualTo("system");
        });
        assertThat(jobStorage.getRecurringJobs().stream().map(job -> job.getId()))
                .contains("credits-expiry");
        assertThat(credits.integrityReport().consistent()).isTrue();
    }

    @Test
    void creditsReservedBeforeTheirLotExpiredCanBeCapturedButAReleaseDoesNotBringThemBack() {
        grant(30, LotSource.SIGNUP, in(Duration.ofHours(1)));
        reserve(20, "task_capture_late");
        reserve(10, "task_release_late");

        clock.advance(Duration.ofHours(2));

        Settlement captured = credits.capture(new Capture("task_capture_late", 15));
        Settlement released = credits.release(new Release("task_release_late"));

        assertThat(captured.captured()).isEqualTo(15);
        assertThat(released.released()).isEqualTo(10);
        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isZero();
        assertThat(balance.reserved()).isZero();
        assertThat(count("expiry:release:task_capture_late")).isEqualTo(1); // its 5 released credits
        assertThat(count("expiry:release:task_release_late")).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "select sum(amount) from credit_entry where workspace_id = ?", Long.class, workspace))
                .isZero();
    }

    @Test
    void anApiKeysMonthlyCapCountsWhatItsReservationsHoldOrCaptured() {
        grant(1000, LotSource.PACK, null);
        KeyCap key = new KeyCap(Ids.next("key"), 50L);
        credits.reserve(new Reserve(workspace, 30, "task_k1", key, "usr_1"));

        assertThatThrownBy(() -> credits.reserve(new Reserve(workspace, 30, "task_k2", key, "usr_1")))
                .isInstanceOfSatisfying(KeyCapExceededException.class, refused -> {
                    assertThat(refused.used()).isEqualTo(30);
                    assertThat(refused.budget()).isEqualTo(50);
                });
        credits.capture(new Capture("task_k1", 10)); // 20 released: usage 10
        credits.reserve(new Reserve(workspace, 40, "task_k2", key, "usr_1"));
        assertThatThrownBy(() -> credits.reserve(new Reserve(workspace, 1, "task_k3", key, "usr_1")))
                .isInstanceOf(KeyCapExceededException.class);
        // Another key, or no key, is not limited by it.
        credits.reserve(new Reserve(workspace, 100, "task_k4", new KeyCap(Ids.next("key"), null), "usr_1"));
        credits.reserve(new Reserve(workspace, 100, "task_k5", null, "usr_1"));
        assertThat(allEntries().stream()
                        .filter(e ->
                                e.kind() == EntryKind.RESERVE && key.apiKeyId().equals(e.apiKeyId())))
                .hasSize(2);
    }

    @Test
    void adjustmentsAddNonExpiringCreditsOrTakeThemButNeverBelowZero() {
        grant(20, LotSource.SIGNUP, in(Duration.ofDays(1)));

        LedgerEntry added = credits.adjust(new Adjust(workspace, 25, "adj:" + Ids.next("ref"), "adm_1", "outage"));
        LedgerEntry taken = credits.adjust(new Adjust(workspace, -30, "adj:" + Ids.next("ref"), "adm_1", "mistake"));

        assertThat(added.credits()).isEqualTo(25);
        assertThat(taken.credits()).isEqualTo(-30);
        Balance balance = credits.balance(workspace);
        assertThat(balance.spendable()).isEqualTo(15);
        assertThat(balance.lots()).singleElement().satisfies(lot -> {
            assertThat(lot.source()).isEqualTo(LotSource.ADMIN);
            assertThat(lot.expiresAt()).isNull();
        });
        assertThatThrownBy(() -> credits.adjust(new Adjust(workspace, -16, "adj:" + Ids.next("ref"), "adm_1", null)))
                .isInstanceOf(InsufficientCreditsException.class);
        assertThat(credits.balance(workspace).spendable()).isEqualTo(15);
    }

    @Test
    void aClawbackTakesWhatIsStillSpendableAndSaysHowMuch() {
        grant(40, LotSource.PACK, null);
        reserve(25, "task_before_chargeback");
        Clawback clawback = new Clawback(workspace, 40, "chargeback:" + Ids.next("dp"), "system", "dispute lost");

        LedgerEntry entry = credits.clawback(clawback);

        assertThat(entry.kind()).isEqualTo(EntryKind.CLAWBACK);
        assertThat(entry.credits()).isEqualTo(-15);
        assertThat(credits.clawback(clawback)).isEqualTo(entry);
        assertThat(credits.balance(workspace).spendable()).isZero();
        assertThat(credits.balance(workspace).reserved()).isEqualTo(25);
    }

    @Test
    void historyPagesThroughEveryEntryNewestFirstAndFiltersByKindAndTime() {
        grant(1000, LotSource.PACK, null);
        Instant start = clock.instant();
        for (int i = 0; i < 11; i++) {
            clock.advance(Duration.ofSeconds(1));
            reserve(1, "task_h" + i + workspace);
            if (i % 2 == 0) {
                credits.capture(new Capture("task_h" + i + workspace, 1));
            } else {
                credits.release(new Release("task_h" + i + workspace));
            }
        }
        // 1 grant + 11 reserves + 6 captures + 5 releases = 23 entries

        List<LedgerEntry> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        HistoryQuery query = HistoryQuery.firstPage(workspace, 10);
        HistoryPage page;
        do {
            page = credits.history(query);
            seen.addAll(page.entries());
            pageSizes.add(page.entries().size());
            query = query.after(page.nextCursor());
        } while (page.nextCursor() != null);

        assertThat(pageSizes).containsExactly(10, 10, 3);
        assertThat(seen).doesNotHaveDuplicates().hasSize(23);
        assertThat(seen)
                .isSortedAccordingTo(Comparator.comparing(LedgerEntry::createdAt)
                        .thenComparing(LedgerEntry::id)
                        .reversed());
        assertThat(seen.get(22).kind()).isEqualTo(EntryKind.PURCHASE);

        var reserves = credits.history(new HistoryQuery(workspace, Set.of(EntryKind.RESERVE), null, null, null, 200));
        assertThat(reserves.entries()).hasSize(11).allMatch(e -> e.kind() == EntryKind.RESERVE);
        assertThat(reserves.nextCursor()).isNull();

        var window = credits.history(new HistoryQuery(
                workspace,
                Set.of(EntryKind.CAPTURE, EntryKind.RELEASE),
                start.plusSeconds(3),
                start.plusSeconds(6),
                null,
                2));
        assertThat(window.entries()).hasSize(2);
        var rest = credits.history(new HistoryQuery(
                        workspace,
                        Set.of(EntryKind.CAPTURE, EntryKind.RELEASE),
                        start.plusSeconds(3),
                        start.plusSeconds(6),
                        window.nextCursor(),
                        2))
                .entries();
        assertThat(rest).hasSize(1); // the settlements of seconds 3, 4 and 5
        assertThatThrownBy(() ->
                        credits.history(HistoryQuery.firstPage(workspace, 5).after("bogus")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theIntegrityReportFindsATamperedTotalAndListsStaleReservations() {
        grant(100, LotSource.PACK, null);
        reserve(10, "task_stale_" + workspace);
        assertThat(credits.integrityReport().consistent()).isTrue();

        jdbc.update("update credit_account set spendable = spendable + 1 where workspace_id = ?", workspace);
        try {
            IntegrityReport tampered = credits.integrityReport();
            assertThat(tampered.consistent()).isFalse();
            assertThat(tampered.discrepancies())
                    .contains(new IntegrityReport.Discrepancy(workspace, "account", "spendable", 91, 90));
        } finally {
            jdbc.update("update credit_account set spendable = spendable - 1 where workspace_id = ?", workspace);
        }

        assertThat(credits.integrityReport().staleReservations())
                .noneMatch(stale -> stale.workspaceId().equals(workspace));
        clock.advance(Duration.ofMinutes(61));
        assertThat(credits.integrityReport().staleReservations()).anySatisfy(stale -> {
            assertThat(stale.reference()).isEqualTo("task_stale_" + workspace);
            assertThat(stale.credits()).isEqualTo(10);
        });
        credits.release(new Release("task_stale_" + workspace));
        assertThat(credits.integrityReport().staleReservations())
                .noneMatch(stale -> stale.workspaceId().equals(workspace));
    }

    @Test
    void theIntegrityEndpointAnswersThisMachineOnly() throws Exception {
        grant(5, LotSource.SIGNUP, null);

        var response = new Http(port).get("/actuator/credits");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode report = JsonMapper.shared().readTree(response.body());
        assertThat(report.path("consistent").asBoolean()).isTrue();
        assertThat(report.path("workspaces").asInt()).isPositive();
        assertThat(report.path("discrepancies").isArray()).isTrue();
        assertThat(report.path("staleAfter").asString()).isEqualTo("PT1H");

        mockMvc.perform(get("/actuator/credits").with(request -> {
                    request.setRemoteAddr("203.0.113.7");
                    return request;
                }))
                .andExpect(status().isForbidden());
    }
}
