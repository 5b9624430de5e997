package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.account.WorkspaceRole;
import com.imagegate.billing.AutoTopUp;
import com.imagegate.billing.Billing;
import com.imagegate.billing.BillingException;
import com.imagegate.billing.Catalog;
import com.imagegate.billing.CheckoutState;
import com.imagegate.billing.PlanChange;
import com.imagegate.billing.Plans;
import com.imagegate.billing.PromoCodes;
import com.imagegate.credits.BalanceAlerts;
import com.imagegate.credits.Credits;
import com.imagegate.referral.ReferralProperties;
import com.imagegate.referral.Referrals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings → Billing: the workspace's plan, buying packs and plans on Stripe's hosted pages, the customer portal, the
 * history of payments, the low-balance alert (owners and admins set it), and the page Checkout returns to (which waits
 * for the webhook; it grants nothing itself).
 */
@Controller
@RequestMapping("/app/billing")
class BillingController {

    private final Billing billing;
    private final Plans plans;
    private final Catalog catalog;
    private final BalanceAlerts alerts;
    private final Credits credits;
    private final AutoTopUp topUps;
    private final PromoCodes promoCodes;
    private final Referrals referrals;
    private final ReferralProperties referralProperties;

    private static final int MAX_ECHO = 40;

    BillingController(
            Billing billing,
            Plans plans,
            Catalog catalog,
            BalanceAlerts alerts,
            Credits credits,
            AutoTopUp topUps,
            PromoCodes promoCodes,
            Referrals referrals,
            ReferralProperties referralProperties) {
        this.topUps = topUps;
        this.promoCodes = promoCodes;
        this.referrals = referrals;
        this.referralProperties = referralProperties;
        this.billing = billing;
        this.plans = plans;
        this.catalog = catalog;
        this.alerts = alerts;
        this.credits = credits;
    }

    @GetMapping
    String page(Member member, Model model) {
        String workspaceId = member.workspace().id();
        model.addAttribute("member", member);
        model.addAttribute("canManage", member.canManageWorkspace());
        model.addAttribute("paymentsConfigured", billing.paymentsConfigured());
        model.addAttribute("plan", plans.current(workspaceId));
        model.addAttribute("subscriptions", catalog.subscriptionsById());
        model.addAttribute("packs", catalog.packsById());
        model.addAttribute("payments", billing.payments(workspaceId, 50));
        model.addAttribute("suspended", billing.purchasesSuspended(workspaceId));
        if (!model.containsAttribute("alertForm")) {
            balanceAlert(member, model, null);
        }
        if (!model.containsAttribute("topUpForm")) {
            autoTopUp(member, model, null);
        }
        // The referral link: owners only (what it earns goes to the workspace); absent when referrals are off.
        if (member.role() == WorkspaceRole.OWNER) {
            referrals.link(workspaceId).ifPresent(link -> {
                model.addAttribute("referral", link);
                model.addAttribute("referralBonus", referralProperties.bonusCredits());
                model.addAttribute(
                        "referralHoldDays", referralProperties.holdPeriod().toDays());
            });
        }
        if (member.isPlatformAdmin()) {
            model.addAttribute("priceMismatches", billing.priceMismatches());
            model.addAttribute("flags", billing.flags(workspaceId));
        }
        return "billing/billing";
    }

    /**
     * Sets (or, empty, removes) the low-balance alert's threshold. htmx gets the alert's section back; a plain form post
     * is redirected to the page. Malformed input is refused with the section (or page) saying why, and nothing is
     * saved. A threshold above the balance alerts at once.
     */
    @PostMapping("/alert")
    String setAlert(
            Member member,
            @RequestParam(defaultValue = "") String threshold,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        Long value;
        try {
            value = BalanceAlerts.parseThreshold(threshold);
        } catch (IllegalArgumentException invalid) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            balanceAlert(member, model, threshold.length() > MAX_ECHO ? threshold.substring(0, MAX_ECHO) : threshold);
            model.addAttribute("alertError", invalid.getMessage());
            return htmx != null ? "billing/billing :: balance-alert" : page(member, model);
        }
        alerts.setThreshold(member.workspace().id(), value, "user:" + member.userId());
        if (htmx == null) {
            return "redirect:/app/billing?alert-saved";
        }
        balanceAlert(member, model, null);
        model.addAttribute(
                "alertNotice",
                value == null
                        ? "Removed: no low-balance alert."
                        : "Saved: the owners get an email when the balance falls below " + formatted(value)
                                + " credits.");
        return "billing/billing :: balance-alert";
    }

    /**
     * Redeems a promo code (owners and admins). htmx gets the code's section back with what happened: 200 when the
     * credits were added, 422 when the code changed nothing and why, 429 after too many tries. A plain form post is
     * redirected to the page with the same message.
     */
    @PostMapping("/promo")
    String redeemPromo(
            Member member,
            @RequestParam(defaultValue = "") String code,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            HttpServletRequest request,
            Model model,
            HttpServletResponse response,
            RedirectAttributes redirect) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        PromoCodes.Result result = promoCodes.redeem(member, code, request.getRemoteAddr());
        String balance = formatted(credits.balance(member.workspace().id()).spendable());
        String message = result.redeemed() ? result.message() + " Balance: " + balance + " credits." : result.message();
        if (htmx == null) {
            redirect.addFlashAttribute(result.redeemed() ? "noticeMessage" : "errorMessage", message);
            return "redirect:/app/billing#promo-code";
        }
        if (!result.redeemed()) {
            response.setStatus(
                    result.outcome() == PromoCodes.Outcome.RATE_LIMITED
                            ? HttpStatus.TOO_MANY_REQUESTS.value()
                            : HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("promoError", message);
            model.addAttribute("promoForm", echo(code));
        } else {
            model.addAttribute("promoNotice", message);
        }
        model.addAttribute("canManage", true);
        model.addAttribute("balance", balance);
        return "billing/billing :: promo-code";
    }

    /** The alert section's model: the balance, the threshold and, after a refusal, what was typed. */
    private void balanceAlert(Member member, Model model, String typed) {
        String workspaceId = member.workspace().id();
        var threshold = alerts.threshold(workspaceId);
        model.addAttribute("canManage", member.canManageWorkspace());
        model.addAttribute("balance", formatted(credits.balance(workspaceId).spendable()));
        model.addAttribute(
                "alertThreshold", threshold.map(BillingController::formatted).orElse(null));
        model.addAttribute(
                "alertForm",
                typed != null ? typed : threshold.map(String::valueOf).orElse(""));
    }

    /** The auto top-up section's model: settings, card, attempts and, after a refusal, what was typed. */
    private void autoTopUp(Member member, Model model, AutoTopUp.Form typed) {
        String workspaceId = member.workspace().id();
        var settings = topUps.settings(workspaceId);
        model.addAttribute("isOwner", member.role() == WorkspaceRole.OWNER);
        model.addAttribute("topUp", settings);
        model.addAttribute("topUpAttempts", topUps.attempts(workspaceId, 50));
        model.addAttribute(
                "topUpForm",
                typed != null
                        ? typed
                        : new AutoTopUp.Form(
                                settings.threshold() == null ? "" : String.valueOf(settings.threshold()),
                                settings.pack() == null ? "" : settings.pack(),
                                settings.monthlyMax() == null ? "" : String.valueOf(settings.monthlyMax()),
                                settings.enabled()));
        if (!model.containsAttribute("topUpErrors")) {
            model.addAttribute("topUpErrors", java.util.Map.of());
        }
    }

    /**
     * Saves the auto top-up settings (owners only). Malformed input is refused with 422 and the page saying why per
     * field; nothing is saved. Saved enabled while the balance is below the threshold, a top-up starts at once.
     */
    @PostMapping("/topup")
    String saveTopUp(
            Member member,
            @RequestParam(defaultValue = "") String threshold,
            @RequestParam(defaultValue = "") String pack,
            @RequestParam(name = "monthly_max", defaultValue = "") String monthlyMax,
            @RequestParam(defaultValue = "false") boolean enabled,
            Model model,
            HttpServletResponse response,
            RedirectAttributes redirect) {
        requireOwner(member);
        try {
            topUps.save(member, new AutoTopUp.Form(threshold, pack, monthlyMax, enabled));
        } catch (AutoTopUp.InvalidSettings invalid) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("topUpErrors", invalid.errors());
            autoTopUp(member, model, new AutoTopUp.Form(echo(threshold), echo(pack), echo(monthlyMax), enabled));
            return page(member, model);
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
            return "redirect:/app/billing";
        }
        redirect.addFlashAttribute(
                "noticeMessage",
                enabled ? "Automatic top-up is on." : "Automatic top-up is off; the settings are kept.");
        return "redirect:/app/billing#auto-top-up";
    }

    /** Starts a Stripe Checkout in setup mode that saves a card for automatic top-up (owners only). */
    @PostMapping("/topup/card")
    String saveCard(Member member, RedirectAttributes redirect) {
        requireOwner(member);
        try {
            return "redirect:" + topUps.saveCard(member);
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
            return "redirect:/app/billing";
        }
    }

    /** Forgets the saved card and turns automatic top-up off (owners only). */
    @PostMapping("/topup/card/remove")
    String removeCard(Member member, RedirectAttributes redirect) {
        requireOwner(member);
        try {
            topUps.removeCard(member);
            redirect.addFlashAttribute("noticeMessage", "The card is removed and automatic top-up is off.");
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
        }
        return "redirect:/app/billing";
    }

    private static void requireOwner(Member member) {
        if (member.role() != WorkspaceRole.OWNER) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
    }

    private static String echo(String typed) {
        return typed.length() > MAX_ECHO ? typed.substring(0, MAX_ECHO) : typed;
    }

    private static String formatted(long credits) {
        return String.format(Locale.ROOT, "%,d", credits);
    }

    @PostMapping("/checkout")
    String checkout(Member member, @RequestParam(defaultValue = "") String product, RedirectAttributes redirect) {
        try {
            return "redirect:" + billing.checkout(member, product);
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
            return "redirect:/app/billing";
        }
    }

    @PostMapping("/portal")
    String portal(Member member, RedirectAttributes redirect) {
        try {
            return "redirect:" + billing.portal(member);
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
            return "redirect:/app/billing";
        }
    }

    /** The quote for a plan change: what it costs now and when it takes effect, with a button to confirm it. */
    @GetMapping("/plan")
    String reviewPlanChange(
            Member member, @RequestParam(defaultValue = "") String plan, Model model, RedirectAttributes redirect) {
        try {
            model.addAttribute("member", member);
            model.addAttribute("change", billing.previewPlanChange(member, plan));
            model.addAttribute("current", plans.current(member.workspace().id()));
            return "billing/plan-change";
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
            return "redirect:/app/billing";
        }
    }

    @PostMapping("/plan")
    String changePlan(
            Member member,
            @RequestParam(defaultValue = "") String plan,
            @RequestParam(name = "quoted_at", required = false) Long quotedAt,
            RedirectAttributes redirect) {
        try {
            PlanChange change = billing.changePlan(member, plan, quotedAt);
            redirect.addFlashAttribute(
                    "noticeMessage",
                    switch (change.kind()) {
                        case UPGRADE ->
                            "You are on " + change.planName() + " now. Its extra credits arrive as soon as"
                                    + " Stripe confirms the payment.";
                        case DOWNGRADE ->
                            "Your plan changes to " + change.planName() + " at the end of this period;"
                                    + " until then nothing changes.";
                        case KEEP -> "The pending change is canceled: you stay on " + change.planName() + ".";
                    });
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
        }
        return "redirect:/app/billing";
    }

    @PostMapping("/cancel")
    String cancel(Member member, @RequestParam(defaultValue = "true") boolean cancel, RedirectAttributes redirect) {
        try {
            billing.cancelAtPeriodEnd(member, cancel);
            redirect.addFlashAttribute(
                    "noticeMessage",
                    cancel
                            ? "Your plan ends at the end of this period; it will not renew."
                            : "Your plan renews again at the end of this period.");
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
        }
        return "redirect:/app/billing";
    }

    @PostMapping("/prices/check")
    String checkPrices(Member member, RedirectAttributes redirect) {
        if (!member.isPlatformAdmin()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        try {
            var mismatches = billing.checkPrices();
            redirect.addFlashAttribute(
                    "noticeMessage",
                    mismatches.isEmpty()
                            ? "Stripe prices match the catalog."
                            : mismatches.size() + " Stripe price(s) do not match the catalog.");
        } catch (BillingException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
        }
        return "redirect:/app/billing";
    }

    /** Where Checkout sends the browser back: polls (htmx) until the webhook has granted the purchase. */
    @GetMapping("/success")
    String success(
            Member member,
            @RequestParam(name = "session_id", required = false) String sessionId,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model) {
        CheckoutState state = billing.checkoutState(member.workspace().id(), sessionId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("member", member);
        model.addAttribute("state", state.name());
        model.addAttribute("sessionId", sessionId);
        model.addAttribute("plan", plans.current(member.workspace().id()));
        return htmx != null ? "billing/success :: status" : "billing/success";
    }
}
