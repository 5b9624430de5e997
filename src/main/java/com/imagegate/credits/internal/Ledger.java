package com.imagegate.credits.internal;

import com.imagegate.Ids;
import com.imagegate.credits.Adjust;
import com.imagegate.credits.Balance;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.Capture;
import com.imagegate.credits.Clawback;
import com.imagegate.credits.Credits;
import com.imagegate.credits.EntryKind;
import com.imagegate.credits.Grant;
import com.imagegate.credits.HistoryPage;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.credits.InsufficientCreditsException;
import com.imagegate.credits.IntegrityReport;
import com.imagegate.credits.KeyBudgetUsage;
import com.imagegate.credits.KeyCap;
import com.imagegate.credits.KeyCapExceededException;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LotBalance;
import com.imagegate.credits.LotSource;
import com.imagegate.credits.ReferenceConflictException;
import com.imagegate.credits.Release;
import com.imagegate.credits.Reservation;
import com.imagegate.credits.Reserve;
import com.imagegate.credits.Settlement;
import com.imagegate.credits.UnknownReservationException;
import com.imagegate.credits.WriteOff;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger. Every write locks the workspace's {@code credit_account} row first, so writes to one workspace run one
 * after the other on every database; everything read after that lock is read with a locking read or, in its own READ
 * COMMITTED transaction, as last committed. Idempotency: each logical operation is one entry with a unique reference,
 * checked under the lock (a replay returns the first outcome) and enforced by the unique index (a concurrent replay
 * from another workspace fails instead of counting twice).
 */
@Service
class Ledger implements Credits {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);
    static final String SYSTEM = "system";

    private final CreditAccounts accounts;
    private final CreditLots lots;
    private final CreditEntries entries;
    private final CreditReservations reservations;
    private final KeyBudgetWatch keyBudgets;
    private final IntegrityCheck integrity;
    private final CreditsProperties properties;
    private final TransactionTemplate writes;
    private final Clock clock;

    Ledger(
            CreditAccounts accounts,
            CreditLots lots,
            CreditEntries entries,
            CreditReservations reservations,
            KeyBudgetWatch keyBudgets,
            IntegrityCheck integrity,
            CreditsProperties properties,
            PlatformTransactionManager transactionManager,
            Clock clock) {
        this.accounts = accounts;
        this.lots = lots;
        this.entries = entries;
        this.reservations = reservations;
        this.keyBudgets = keyBudgets;
        this.integrity = integrity;
        this.properties = properties;
        this.writes = new TransactionTemplate(transactionManager);
        // Row locks only, no gap locks on MySQL/MariaDB; ignored when joining a caller's transaction.
        this.writes.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.clock = clock;
    }

    @Override
    public LedgerEntry grant(Grant grant) {
        return write(grant.reference(), () -> {
            Instant now = now();
            accounts.lockOrCreate(grant.workspaceId(), now);
            Optional<LedgerEntry> existing = entries.byReference(grant.reference());
            if (existing.isPresent()) {
                return replay(
                        existing.get(), grant.workspaceId(), grant.source().grantKind(), grant.credits());
            }
            if (grant.expiresAt() != null && !grant.expiresAt().isAfter(now)) {
                throw new IllegalArgumentException("expiresAt must be in the future: " + grant.expiresAt());
            }
            Instant expiresAt = grant.expiresAt() == null ? null : DbTime.truncate(grant.expiresAt());
            return addLot(
                    grant.workspaceId(),
                    grant.source(),
                    grant.credits(),
                    expiresAt,
                    grant.source().grantKind(),
                    grant.reference(),
                    grant.actor(),
                    grant.reason(),
                    now);
        });
    }

    @Override
    public void lock(String workspaceId) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("lock(" + workspaceId + ") outside a transaction would end at once");
        }
        writes.executeWithoutResult(status -> accounts.lockOrCreate(workspaceId, now()));
    }

    @Override
    public Reservation reserve(Reserve reserve) {
        String workspaceId = reserve.workspaceId();
        String apiKeyId = reserve.key() == null ? null : reserve.key().apiKeyId();
        return write(reserve.reference(), () -> {
            Instant now = now();
            boolean hasAccount = accounts.lock(workspaceId).isPresent();
            Optional<ReservationRecord> existing = reservations.lock(reserve.reference());
            if (existing.isPresent()) {
                if (existing.get().sameAs(workspaceId, reserve.credits(), apiKeyId)) {
                    return existing.get().view();
                }
                throw new ReferenceConflictException(reserve.reference(), "already names another reservation");
            }
            if (!hasAccount) {
                throw new InsufficientCreditsException(workspaceId, reserve.credits(), 0);
            }
            KeyBudgetUsage keyUsage = reserve.key() != null && reserve.key().budget() != null
                    ? checkKeyBudget(reserve.key(), reserve.credits(), now)
                    : null;
            List<Spending.Take> takes =
                    Spending.take(workspaceId, lots.lockSpendable(workspaceId, now), reserve.credits(), now);
            List<Allocation> holds = takes.stream()
                    .map(take -> new Allocation(take.lotId(), -take.credits(), take.credits()))
                    .toList();
            entries.append(
                    new LedgerEntry(
                            Ids.next("ent"),
                            workspaceId,
                            EntryKind.RESERVE,
                            -reserve.credits(),
                            reserve.credits(),
                            "reserve:" + reserve.reference(),
                            reserve.reference(),
                            apiKeyId,
                            reserve.actor(),
                            null,
                            now),
                    holds);
            holds.forEach(lots::apply);
            accounts.add(workspaceId, -reserve.credits(), reserve.credits(), now);
            ReservationRecord reservation = new ReservationRecord(
                    reserve.reference(),
                    workspaceId,
                    apiKeyId,
                    reserve.credits(),
                    0,
                    0,
                    ReservationRecord.State.HELD,
                    reserve.actor(),
                    now,
                    null);
            reservations.insert(reservation);
            if (keyUsage != null) {
                // Accepted and written: alerts at 80% / 100% of the budget, from the sum the check computed.
                keyBudgets.reserved(
                        workspaceId,
                        apiKeyId,
                        reserve.key().budget(),
                        keyUsage.period(),
                        keyUsage.from(),
                        keyUsage.resetsAt(),
                        keyUsage.spent(),
                        keyUsage.spent() + reserve.credits(),
                        now);
            }
            return reservation.view();
        });
    }

    @Override
    public Settlement capture(Capture capture) {
        return settle(capture.reference(), capture.credits(), false);
    }

    @Override
    public Settlement release(Release release) {
        return settle(release.reference(), 0, true);
    }

    private Settlement settle(String reference, long credits, boolean release) {
        // The workspace never changes, so a plain read finds which account row to lock.
        String workspaceId = reservations
                .find(reference)
                .map(ReservationRecord::workspaceId)
                .orElseThrow(() -> new UnknownReservationException(reference));
        return write(reference, () -> {
            Instant now = now();
            accounts.lock(workspaceId)
                    .orElseThrow(() -> new IllegalStateException("no credit account for " + workspaceId));
            ReservationRecord reservation =
                    reservations.lock(reference).orElseThrow(() -> new UnknownReservationException(reference));
            boolean apply = release ? reservation.mustRelease() : reservation.mustCapture(credits);
            if (!apply) {
                return reservation.settlement();
            }
            List<Allocation> holds = entries.allocationsOf("reserve:" + reference);
            Map<String, Lot> holdLots = lots
                    .byIds(holds.stream().map(Allocation::lotId).toList())
                    .stream()
                    .collect(Collectors.toMap(Lot::id, Function.identity()));
            List<Allocation> ordered = holds.stream()
                    .sorted(Comparator.comparing(hold -> holdLots.get(hold.lotId()), Lot.SPEND_ORDER))
                    .toList();
            SettlementPlan plan = SettlementPlan.of(ordered, holdLots, credits, now);
            String apiKeyId = reservation.apiKeyId();
            if (!plan.captures().isEmpty()) {
                append(
                        workspaceId,
                        EntryKind.CAPTURE,
                        "capture:" + reference,
                        reference,
                        apiKeyId,
                        null,
                        plan.captures(),
                        now);
            }
            if (!plan.releases().isEmpty()) {
                append(
                        workspaceId,
                        EntryKind.RELEASE,
                        "release:" + reference,
                        reference,
                        apiKeyId,
                        null,
                        plan.releases(),
                        now);
            }
            if (!plan.writeOffs().isEmpty()) {
                append(
                        workspaceId,
                        EntryKind.EXPIRY,
                        "expiry:release:" + reference,
                        reference,
                        apiKeyId,
                        "released credits of an expired lot",
                        plan.writeOffs(),
                        now);
            }
            accounts.add(workspaceId, plan.released() - plan.writtenOff(), -(plan.captured() + plan.released()), now);
            ReservationRecord settled = reservation.settled(plan.captured(), plan.released(), now);
            reservations.settle(settled);
            return settled.settlement();
        });
    }

    @Override
    public LedgerEntry adjust(Adjust adjust) {
        return write(adjust.reference(), () -> {
            Instant now = now();
            accounts.lockOrCreate(adjust.workspaceId(), now);
            Optional<LedgerEntry> existing = entries.byReference(adjust.reference());
            if (existing.isPresent()) {
                return replay(existing.get(), adjust.workspaceId(), EntryKind.ADJUSTMENT, adjust.credits());
            }
            if (adjust.credits() > 0) {
                return addLot(
                        adjust.workspaceId(),
                        LotSource.ADMIN,
                        adjust.credits(),
                        null,
                        EntryKind.ADJUSTMENT,
                        adjust.reference(),
                        adjust.actor(),
                        adjust.reason(),
                        now);
            }
            List<Spending.Take> takes = Spending.take(
                    adjust.workspaceId(), lots.lockSpendable(adjust.workspaceId(), now), -adjust.credits(), now);
            return debit(
                    adjust.workspaceId(),
                    EntryKind.ADJUSTMENT,
                    takes,
                    adjust.reference(),
                    adjust.actor(),
                    adjust.reason(),
                    now);
        });
    }

    @Override
    public LedgerEntry clawback(Clawback clawback) {
        return write(clawback.reference(), () -> {
            Instant now = now();
            accounts.lockOrCreate(clawback.workspaceId(), now);
            Optional<LedgerEntry> existing = entries.byReference(clawback.reference());
            if (existing.isPresent()) {
                return replay(existing.get(), clawback.workspaceId(), EntryKind.CLAWBACK, null);
            }
            List<Spending.Take> takes =
                    Spending.takeUpTo(lots.lockSpendable(clawback.workspaceId(), now), clawback.credits(), now);
            return debit(
                    clawback.workspaceId(),
                    EntryKind.CLAWBACK,
                    takes,
                    clawback.reference(),
                    clawback.actor(),
                    clawback.reason(),
                    now);
        });
    }

    @Override
    public Optional<LedgerEntry> writeOff(WriteOff writeOff) {
        return write(writeOff.reference(), () -> {
            Instant now = now();
            accounts.lockOrCreate(writeOff.workspaceId(), now);
            Optional<LedgerEntry> existing = entries.byReference(writeOff.reference());
            if (existing.isPresent()) {
                return Optional.of(replay(existing.get(), writeOff.workspaceId(), EntryKind.PLAN_CHANGE, null));
            }
            LedgerEntry grant = entries.byReference(writeOff.grantReference())
                    .filter(entry -> entry.workspaceId().equals(writeOff.workspaceId()))
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no grant " + writeOff.grantReference() + " in workspace " + writeOff.workspaceId()));
            List<Allocation> added = entries.allocationsOf(grant.reference());
            if (added.size() != 1 || grant.credits() <= 0) {
                throw new IllegalArgumentException(writeOff.grantReference() + " is not a grant of one lot");
            }
            Lot lot = lots.lock(added.get(0).lotId()).orElseThrow();
            if (lot.available() <= 0 || lot.expiredAt(now)) {
                return Optional.<LedgerEntry>empty(); // spent, or the expiry job writes it off
            }
            return Optional.of(debit(
                    writeOff.workspaceId(),
                    EntryKind.PLAN_CHANGE,
                    List.of(new Spending.Take(lot.id(), lot.available())),
                    writeOff.reference(),
                    writeOff.actor(),
                    writeOff.reason(),
                    now));
        });
    }

    @Override
    public Balance balance(String workspaceId) {
        Instant now = now();
        List<Lot> holding = lots.holdingCredits(workspaceId);
        long spendable = Spending.spendable(holding, now);
        long reserved = holding.stream().mapToLong(Lot::held).sum();
        List<LotBalance> visible = holding.stream()
                .filter(lot -> lot.held() > 0 || lot.spendableAt(now) > 0)
                .sorted(Lot.SPEND_ORDER)
                .map(Lot::view)
                .toList();
        return new Balance(workspaceId, spendable, reserved, visible);
    }

    @Override
    public HistoryPage history(HistoryQuery query) {
        HistoryCursor cursor = query.cursor() == null ? null : HistoryCursor.decode(query.cursor());
        List<LedgerEntry> rows =
                entries.page(query.workspaceId(), query.kinds(), query.from(), query.to(), cursor, query.limit());
        if (rows.size() <= query.limit()) {
            return new HistoryPage(rows, null);
        }
        List<LedgerEntry> page = rows.subList(0, query.limit());
        LedgerEntry last = page.get(page.size() - 1);
        return new HistoryPage(page, new HistoryCursor(last.createdAt(), last.id()).encode());
    }

    @Override
    public IntegrityReport integrityReport() {
        return integrity.run(now(), properties.staleReservationAge());
    }

    /**
     * Writes off the available credits of every lot that has expired: one {@code expiry} entry per lot (reference
     * {@code expiry:<lot id>}), each lot in its own transaction. Safe to run concurrently and again.
     *
     * @return how many lots were written off
     */
    int writeOffExpiredLots() {
        int writtenOff = 0;
        while (true) {
            List<Lot> batch = lots.expiredWithAvailable(now(), properties.expiryBatchSize());
            int done = 0;
            for (Lot lot : batch) {
                if (writeOff(lot.id(), lot.workspaceId())) {
                    done++;
                }
            }
            writtenOff += done;
            if (batch.size() < properties.expiryBatchSize() || done == 0) {
                return writtenOff;
            }
        }
    }

    private boolean writeOff(String lotId, String workspaceId) {
        String reference = "expiry:" + lotId;
        return write(reference, () -> {
            Instant now = now();
            accounts.lock(workspaceId)
                    .orElseThrow(() -> new IllegalStateException("no credit account for " + workspaceId));
            Lot lot = lots.lock(lotId).orElseThrow(() -> new IllegalStateException("no lot " + lotId));
            if (!lot.expiredAt(now) || lot.available() <= 0) {
                return false; // written off meanwhile (another node, a concurrent run)
            }
            if (entries.byReference(reference).isPresent()) {
                // Releases of an expired lot write their credits off themselves, so this cannot happen; say so if it
                // does.
                log.warn(
                        "Lot {} has {} available credits after its expiry entry; left for an operator",
                        lotId,
                        lot.available());
                return false;
            }
            append(
                    workspaceId,
                    EntryKind.EXPIRY,
                    reference,
                    null,
                    null,
                    "lot expired",
                    List.of(new Allocation(lotId, -lot.available(), 0)),
                    now);
            accounts.add(workspaceId, -lot.available(), 0, now);
            return true;
        });
    }

    private LedgerEntry addLot(
            String workspaceId,
            LotSource source,
            long credits,
            Instant expiresAt,
            EntryKind kind,
            String reference,
            String actor,
            String reason,
            Instant now) {
        Lot lot = new Lot(Ids.next("lot"), workspaceId, source, credits, credits, 0, expiresAt, now);
        lots.insert(lot);
        LedgerEntry entry = new LedgerEntry(
                Ids.next("ent"), workspaceId, kind, credits, 0, reference, null, null, actor, reason, now);
        entries.append(entry, List.of(new Allocation(lot.id(), credits, 0)));
        accounts.add(workspaceId, credits, 0, now);
        return entry;
    }

    private LedgerEntry debit(
            String workspaceId,
            EntryKind kind,
            List<Spending.Take> takes,
            String reference,
            String actor,
            String reason,
            Instant now) {
        List<Allocation> allocations = takes.stream()
                .map(take -> new Allocation(take.lotId(), -take.credits(), 0))
                .toList();
        long total = Spending.total(takes);
        LedgerEntry entry = new LedgerEntry(
                Ids.next("ent"), workspaceId, kind, -total, 0, reference, null, null, actor, reason, now);
        entries.append(entry, allocations);
        allocations.forEach(lots::apply);
        accounts.add(workspaceId, -total, 0, now);
        return entry;
    }

    /** Appends a system entry for a reservation's settlement and applies it to its lots (not to the account). */
    private void append(
            String workspaceId,
            EntryKind kind,
            String reference,
            String reservation,
            String apiKeyId,
            String reason,
            List<Allocation> allocations,
            Instant now) {
        long amount = allocations.stream().mapToLong(Allocation::amount).sum();
        long held = allocations.stream().mapToLong(Allocation::held).sum();
        entries.append(
                new LedgerEntry(
                        Ids.next("ent"),
                        workspaceId,
                        kind,
                        amount,
                        held,
                        reference,
                        reservation,
                        apiKeyId,
                        SYSTEM,
                        reason,
                        now),
                allocations);
        allocations.forEach(lots::apply);
    }

    private static LedgerEntry replay(LedgerEntry existing, String workspaceId, EntryKind kind, Long credits) {
        if (existing.workspaceId().equals(workspaceId)
                && existing.kind() == kind
                && (credits == null || existing.credits() == credits)) {
            return existing;
        }
        throw new ReferenceConflictException(existing.reference(), "already names another operation");
    }

    /**
     * Under the workspace's lock (every reserve with this key takes it first: a key belongs to one workspace), so
     * concurrent reserves with one key see each other's reservations. Returns what the key spent in the period before
     * this reservation (reused by the budget alerts, {@link KeyBudgetWatch}).
     */
    private KeyBudgetUsage checkKeyBudget(KeyCap key, long credits, Instant now) {
        Instant from = key.period().start(now);
        Instant resetsAt = key.period().end(now);
        long used = reservations.keyUsage(key.apiKeyId(), from, resetsAt);
        if (used + credits > key.budget()) {
            throw new KeyCapExceededException(key.apiKeyId(), key.budget(), key.period(), used, credits, resetsAt);
        }
        return new KeyBudgetUsage(key.apiKeyId(), key.period(), used, from, resetsAt);
    }

    @Override
    public KeyBudgetUsage keyBudgetUsage(String apiKeyId, BudgetPeriod period) {
        Instant now = now();
        Instant from = period.start(now);
        Instant resetsAt = period.end(now);
        return new KeyBudgetUsage(
                apiKeyId,
                period,
                reservations.keyUsage(apiKeyId, from, resetsAt),
                from,
                resetsAt,
                keyBudgets.refusedIn(apiKeyId, period, from));
    }

    @Override
    public void keyBudgetRefused(String workspaceId, KeyCapExceededException refused) {
        keyBudgets.refused(workspaceId, refused, now());
    }

    /**
     * Runs one write in a transaction. When two operations with one reference race from different workspaces, the
     * unique index lets one through; on its own transaction the loser runs again and then sees the winner's row (a
     * replay or a {@link ReferenceConflictException}).
     */
    private <T> T write(String reference, Supplier<T> work) {
        boolean joined = TransactionSynchronizationManager.isActualTransactionActive();
        try {
            return writes.execute(status -> work.get());
        } catch (DuplicateKeyException raced) {
            if (joined) {
                throw new ReferenceConflictException(reference, "recorded concurrently by another operation");
            }
            return writes.execute(status -> work.get());
        }
    }

    private Instant now() {
        return DbTime.truncate(clock.instant());
    }
}
