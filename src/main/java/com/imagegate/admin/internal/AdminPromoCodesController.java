package com.imagegate.admin.internal;

import static com.imagegate.admin.internal.AdminPagesController.act;
import static com.imagegate.admin.internal.AdminPagesController.date;
import static com.imagegate.admin.internal.AdminPagesController.found;

import com.imagegate.account.Member;
import com.imagegate.billing.PromoCodes;
import com.imagegate.web.shell.ShellPage;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Promo codes in the console: the list with how often each was redeemed, creating one (generated or typed), turning one
 * on or off, and a code's redemptions (workspace, when, credits). Admins only, like everything under {@code /admin};
 * every change is audited.
 */
@Controller
@ShellPage
class AdminPromoCodesController {

    static final int SHOWN = 200;

    private final PromoCodes promoCodes;
    private final PromoCodeActions actions;
    private final Clock clock;

    AdminPromoCodesController(PromoCodes promoCodes, PromoCodeActions actions, Clock clock) {
        this.promoCodes = promoCodes;
        this.actions = actions;
        this.clock = clock;
    }

    @GetMapping("/admin/promo-codes")
    String list(Model model) {
        model.addAttribute("codes", promoCodes.list(SHOWN));
        model.addAttribute("now", clock.instant());
        return "admin/promo-codes";
    }

    @GetMapping("/admin/promo-codes/{id}")
    String code(@PathVariable String id, Model model) {
        model.addAttribute("code", found(promoCodes.find(id)));
        model.addAttribute("redemptions", promoCodes.redemptions(id, SHOWN));
        model.addAttribute("now", clock.instant());
        return "admin/promo-code";
    }

    @PostMapping("/admin/promo-codes")
    String create(
            Member admin,
            @RequestParam(defaultValue = "") String code,
            @RequestParam(defaultValue = "") String credits,
            @RequestParam(defaultValue = "") String validityDays,
            @RequestParam(defaultValue = "") String expiresOn,
            @RequestParam(defaultValue = "") String maxRedemptions,
            @RequestParam(defaultValue = "false") boolean firstPurchaseOnly,
            @RequestParam(defaultValue = "") String note,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        String[] created = new String[1];
        String back = act(redirect, "/admin/promo-codes", () -> {
            LocalDate expires = date(expiresOn);
            if (expires != null && expires.isBefore(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))) {
                throw new AdminException("The code's expiry date must be today or later.");
            }
            Instant expiresAt = expires == null
                    ? null
                    : expires.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            var made = actions.create(
                    admin,
                    new PromoCodes.NewCode(
                            code,
                            number(credits, "Credits per redemption"),
                            validityDays.isBlank() ? null : (int) number(validityDays, "Credits valid for (days)"),
                            expiresAt,
                            (int) number(maxRedemptions, "Redemptions in total"),
                            firstPurchaseOnly,
                            note),
                    reason);
            created[0] = made.id();
            return "Created the code " + made.code() + ".";
        });
        return created[0] == null ? back : "redirect:/admin/promo-codes/" + created[0];
    }

    @PostMapping("/admin/promo-codes/{id}/enable")
    String enable(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/promo-codes/" + id, () -> {
            actions.setEnabled(admin, id, true, reason);
            return "The code is enabled.";
        });
    }

    @PostMapping("/admin/promo-codes/{id}/disable")
    String disable(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/promo-codes/" + id, () -> {
            actions.setEnabled(admin, id, false, reason);
            return "The code is disabled: redeeming it now says it is not valid.";
        });
    }

    private static long number(String text, String field) {
        try {
            long value = Long.parseLong(text.strip().replace("_", "").replace(",", ""));
            if (value > Integer.MAX_VALUE && !field.startsWith("Credits per")) {
                throw new AdminException(field + ": that number is too large.");
            }
            return value;
        } catch (NumberFormatException notANumber) {
            throw new AdminException(field + ": enter a whole number.");
        }
    }
}
