package com.imagegate.billing.internal;

import com.imagegate.Ids;
import com.imagegate.account.Member;
import com.imagegate.billing.BillingException;
import com.imagegate.billing.PromoCodes;
import com.imagegate.credits.Credits;
import com.imagegate.credits.Grant;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LotSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Promo codes: creating them (admins) and redeeming them (owners and admins of a workspace).
 *
 * <p>A redemption first counts the attempt against the workspace's and the client address's windows, each in its own
 * statement committed at once, so parallel guesses are counted before any is checked. Then one transaction: the code's
 * row is locked ({@code select … for update}), which serializes every redemption of that code on every node; the
 * rules are checked on what the lock read; the ledger grant, the redemption row (unique per code and workspace) and
 * the counter (a conditional update, and a check constraint) are written together, or nothing is.
 */
@Service
class PromoCodeService implements PromoCodes {

    private static final Logger log = LoggerFactory.getLogger(PromoCodeService.class);

    /** No 0/O, 1/I: 32 letters and digits, 5 bits per character. */
    static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private static final Pattern NORMALIZED = Pattern.compile("[A-Z0-9]+");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]+");
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    static final long MAX_CREDITS = 100_000_000L;
    static final int MAX_REDEMPTIONS = 1_000_000;
    static final int MAX_VALIDITY_DAYS = 3_660;

    private final PromoCodeStore store;
    private final PromoCodeProperties settings;
    private final Credits credits;
    private final MeterRegistry meters;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final SecureRandom random = new SecureRandom();

    PromoCodeService(
            PromoCodeStore store,
            PromoCodeProperties settings,
            Credits credits,
            MeterRegistry meters,
            Clock clock,
            PlatformTransactionManager transactions) {
        this.store = store;
        this.settings = settings;
        this.credits = credits;
        this.meters = meters;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.transaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /** Upper case without spaces and dashes; null when what is left is no code at all. */
    static String normalize(String typed) {
        if (typed == null || typed.length() > 4 * PromoCodeProperties.MAX_LENGTH) {
            return null;
        }
        String code = SEPARATORS.matcher(typed).replaceAll("").toUpperCase(Locale.ROOT);
        return code.isEmpty()
                        || code.length() > PromoCodeProperties.MAX_LENGTH
                        || !NORMALIZED.matcher(code).matches()
                ? null
                : code;
    }

    String generate() {
        char[] chars = new char[settings.generatedLength()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }

    @Override
    @Transactional
    public Code create(NewCode command, String actor) {
        if (command.credits() <= 0 || command.credits() > MAX_CREDITS) {
            throw new InvalidCode("Credits per redemption: a whole number from 1 to " + MAX_CREDITS + ".");
        }
        if (command.maxRedemptions() <= 0 || command.maxRedemptions() > MAX_REDEMPTIONS) {
            throw new InvalidCode("Redemptions in total: a whole number from 1 to " + MAX_REDEMPTIONS + ".");
        }
        Integer validity = command.creditValidityDays();
        if (validity != null && (validity <= 0 || validity > MAX_VALIDITY_DAYS)) {
            throw new InvalidCode("The credits stay valid for 1 to " + MAX_VALIDITY_DAYS
                    + " days after the redemption, or leave it empty for never.");
        }
        Instant now = clock.instant();
        if (command.expiresAt() != null && !command.expiresAt().isAfter(now)) {
            throw new InvalidCode("The code's expiry must be in the future.");
        }
        String note = command.note() == null || command.note().isBlank()
                ? null
                : command.note().strip();
        if (note != null && (note.length() > 200 || note.codePoints().anyMatch(Character::isISOControl))) {
            throw new InvalidCode("Keep the note under 200 characters, on one line.");
        }
        String code;
        if (command.code() == null || command.code().isBlank()) {
            do {
                code = generate();
            } while (store.codeExists(code));
        } else {
            code = normalize(command.code());
            if (code == null) {
                throw new InvalidCode("A code is letters A–Z and digits (spaces and dashes are ignored), at most "
                        + PromoCodeProperties.MAX_LENGTH + " characters.");
            }
            if (code.length() < settings.minTypedLength()) {
                throw new InvalidCode("A typed code needs at least " + settings.minTypedLength()
                        + " letters and digits, so it cannot be guessed easily; leave it empty to generate one.");
            }
            if (store.codeExists(code)) {
                throw new InvalidCode("The code " + code + " exists already.");
            }
        }
        Code created = new Code(
                Ids.next("promo"),
                code,
                command.credits(),
                validity,
                command.expiresAt(),
                command.maxRedemptions(),
                0,
                command.firstPurchaseOnly(),
                true,
                note,
                actor,
                now);
        try {
            store.insert(created);
        } catch (DuplicateKeyException raced) {
            throw new InvalidCode("The code " + code + " exists already.");
        }
        return created;
    }

    @Override
    @Transactional
    public Optional<Code> setEnabled(String id, boolean enabled) {
        if (id == null || !store.setEnabled(id, enabled, clock.instant())) {
            return Optional.empty();
        }
        return store.find(id);
    }

    @Override
    public Optional<Code> find(String id) {
        return id == null ? Optional.empty() : store.find(id);
    }

    @Override
    public List<Code> list(int limit) {
        return store.list(limit);
    }

    @Override
    public List<Redeemed> redemptions(String codeId, int limit) {
        return store.redemptions(codeId, limit);
    }

    @Override
    public Result redeem(Member member, String typed, String clientAddress) {
        if (!member.canManageWorkspace()) {
            throw new BillingException(
                    BillingException.Reason.FORBIDDEN, "Only owners and admins of this workspace can redeem codes.");
        }
        String workspaceId = member.workspace().id();
        Result result;
        if (!withinLimits(workspaceId, clientAddress)) {
            result = new Result(
                    Outcome.RATE_LIMITED,
                    "Too many codes tried. Wait " + human(settings.attemptWindow()) + " and try again.",
                    0,
                    null);
        } else {
            String code = normalize(typed);
            if (code == null) {
                result = notValid();
            } else {
                try {
                    result = transaction.execute(status -> redeemLocked(member, code));
                } catch (DuplicateKeyException raced) {
                    // The unique (code, workspace) key, should the lock ever fail to serialize: rolled back.
                    result = new Result(
                            Outcome.ALREADY_REDEEMED, "This workspace has redeemed this code already.", 0, null);
                }
            }
        }
        meters.counter(
                        "imagegate.promo.redemptions",
                        "outcome",
                        result.outcome().name().toLowerCase(Locale.ROOT))
                .increment();
        if (result.redeemed()) {
            log.info("Promo code redeemed: workspace {} got {} credits", workspaceId, result.credits());
        } else {
            log.info("Promo code refused: {} for workspace {} from {}", result.outcome(), workspaceId, clientAddress);
        }
        return result;
    }

    /** Counts the attempt in both windows before anything is checked; false when either is over its limit. */
    private boolean withinLimits(String workspaceId, String clientAddress) {
        long window = clock.millis() / settings.attemptWindow().toMillis();
        int byWorkspace = store.countAttempt("w:" + workspaceId, window);
        String address = clientAddress == null || clientAddress.isBlank() ? "unknown" : clientAddress;
        int byAddress = store.countAttempt("a:" + (address.length() > 64 ? address.substring(0, 64) : address), window);
        return byWorkspace <= settings.attemptsPerWorkspace() && byAddress <= settings.attemptsPerAddress();
    }

    private Result redeemLocked(Member member, String typed) {
        String workspaceId = member.workspace().id();
        Optional<Code> found = store.lockByCode(typed);
        if (found.isEmpty() || !found.get().enabled()) {
            return notValid();
        }
        Code code = found.get();
        Instant now = clock.instant();
        if (code.expiresAt() != null && !now.isBefore(code.expiresAt())) {
            return new Result(Outcome.EXPIRED, "This code expired on " + DAY.format(code.expiresAt()) + ".", 0, null);
        }
        if (store.redeemedBy(code.id(), workspaceId)) {
            return new Result(Outcome.ALREADY_REDEEMED, "This workspace has redeemed this code already.", 0, null);
        }
        if (code.redemptions() >= code.maxRedemptions()) {
            return new Result(Outcome.USED_UP, "This code has been used as often as it may be.", 0, null);
        }
        if (code.firstPurchaseOnly() && store.hasPaid(workspaceId)) {
            return new Result(
                    Outcome.NOT_FIRST_PURCHASE,
                    "This code is for workspaces that have not bought anything yet.",
                    0,
                    null);
        }
        Instant expiresAt =
                code.creditValidityDays() == null ? null : now.plus(Duration.ofDays(code.creditValidityDays()));
        LedgerEntry entry = credits.grant(new Grant(
                workspaceId,
                code.credits(),
                LotSource.PROMO,
                expiresAt,
                reference(code.id(), workspaceId),
                "user:" + member.userId(),
                "Promo code " + code.code()));
        store.insertRedemption(new Redeemed(
                Ids.next("red"), code.id(), workspaceId, member.userId(), code.credits(), expiresAt, entry.id(), now));
        if (!store.countRedemption(code.id(), now)) {
            throw new IllegalStateException("promo code " + code.id() + " passed its maximum under its lock");
        }
        return new Result(
                Outcome.REDEEMED,
                String.format(Locale.ROOT, "Redeemed: %,d credits added", code.credits())
                        + (expiresAt == null ? "." : ", valid until " + DAY.format(expiresAt) + "."),
                code.credits(),
                expiresAt);
    }

    /** The ledger reference of a workspace's redemption of a code: unique, so a code grants a workspace once. */
    static String reference(String codeId, String workspaceId) {
        return "promo:" + codeId + ":" + workspaceId;
    }

    private static Result notValid() {
        return new Result(Outcome.NOT_VALID, "This code is not valid. Check what you typed.", 0, null);
    }

    private static String human(Duration window) {
        long minutes = window.toMinutes();
        return minutes % 60 == 0 ? (minutes / 60 == 1 ? "an hour" : minutes / 60 + " hours") : minutes + " minutes";
    }

    /** Forgets attempt windows that ended more than a day ago. */
    int deleteOldAttempts() {
        long size = settings.attemptWindow().toMillis();
        return store.purgeAttempts((clock.millis() - Duration.ofDays(1).toMillis()) / size);
    }
}
