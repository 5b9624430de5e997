package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminAudit.WHEN;
import static com.imagegate.admin.internal.AdminAudit.actor;
import static com.imagegate.admin.internal.AdminAudit.requireReason;

import com.imagegate.account.Member;
import com.imagegate.billing.PromoCodes;
import java.time.ZoneOffset;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An admin's changes to promo codes: creating one, turning one on or off. Each runs in one transaction with its audit
 * entry; refusals are {@link AdminException}s that change nothing.
 */
@Service
class PromoCodeActions {

    private final PromoCodes promoCodes;
    private final AdminAudit audit;

    PromoCodeActions(PromoCodes promoCodes, AdminAudit audit) {
        this.promoCodes = promoCodes;
        this.audit = audit;
    }

    @Transactional
    PromoCodes.Code create(Member admin, PromoCodes.NewCode command, String reason) {
        String why = requireReason(reason);
        PromoCodes.Code code;
        try {
            code = promoCodes.create(command, actor(admin));
        } catch (PromoCodes.InvalidCode invalid) {
            throw new AdminException(invalid.getMessage());
        }
        audit.record(admin, "promo.create", "promo_code", code.id(), null, "none", describe(code), why, null);
        return code;
    }

    @Transactional
    PromoCodes.Code setEnabled(Member admin, String id, boolean enabled, String reason) {
        String why = requireReason(reason);
        PromoCodes.Code before =
                promoCodes.find(id).orElseThrow(() -> new AdminException("There is no promo code " + id + "."));
        PromoCodes.Code after = promoCodes
                .setEnabled(id, enabled)
                .orElseThrow(() -> new AdminException("There is no promo code " + id + "."));
        audit.record(
                admin,
                enabled ? "promo.enable" : "promo.disable",
                "promo_code",
                id,
                null,
                before.enabled() ? "enabled" : "disabled",
                after.enabled() ? "enabled" : "disabled",
                why,
                null);
        return after;
    }

    /** The code's terms for the audit log (the code itself is not written there: the log is read by every admin). */
    private static String describe(PromoCodes.Code code) {
        return code.credits() + " credits per redemption"
                + (code.creditValidityDays() == null
                        ? ", credits never expire"
                        : ", credits valid " + code.creditValidityDays() + " days")
                + (code.expiresAt() == null
                        ? ", code never expires"
                        : ", code expires " + WHEN.format(code.expiresAt().atZone(ZoneOffset.UTC)))
                + ", at most " + code.maxRedemptions() + " redemptions"
                + (code.firstPurchaseOnly() ? ", first purchase only" : "")
                + ", ends in " + code.code().substring(code.code().length() - 4);
    }
}
