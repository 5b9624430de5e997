package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.apikey.ApiKeyException;
import com.imagegate.apikey.ApiKeyMode;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.apikey.ApiKeys;
import com.imagegate.apikey.CreatedApiKey;
import com.imagegate.apikey.KeyBudgetPeriod;
import com.imagegate.apikey.NewApiKey;
import com.imagegate.credits.BudgetPeriod;
import com.imagegate.credits.Credits;
import com.imagegate.webhook.Webhooks;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Settings → API keys: the workspace's keys; owners and admins create (the secret is shown once, in the response to
 * the create request, and stored nowhere) and revoke them. An htmx request gets the {@code panel} fragment only.
 */
@Controller
@RequestMapping("/app/keys")
class ApiKeysController {

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RESETS =
            DateTimeFormatter.ofPattern("EEE d MMM HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final int MAX_ECHO = 200;

    private final ApiKeys apiKeys;
    private final Clock clock;
    private final ImagegateProperties properties;
    private final Webhooks webhooks;
    private final Credits credits;

    ApiKeysController(
            ApiKeys apiKeys, Clock clock, ImagegateProperties properties, Webhooks webhooks, Credits credits) {
        this.apiKeys = apiKeys;
        this.credits = credits;
        this.webhooks = webhooks;
        this.clock = clock;
        this.properties = properties;
    }

    /** One row of the key table, ready to show. */
    record KeyRow(
            String id,
            String name,
            String prefix,
            String mode,
            String created,
            String lastUsed,
            String lastUsedIp,
            String expires,
            String budget,
            String budgetResets,
            String budgetState,
            String userLimit,
            String status,
            boolean revocable) {}

    /** What the create form shows again after a refusal. */
    record KeyForm(
            String name,
            String mode,
            String expiresOn,
            String monthlyCreditCap,
            String budgetPeriod,
            String userDailyCreditLimit) {
        static final KeyForm EMPTY = new KeyForm("", "live", "", "", "month", "");
    }

    @GetMapping
    String list(Member member, Model model) {
        return page(member, model, KeyForm.EMPTY, null, false);
    }

    @PostMapping
    String create(
            Member member,
            @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String mode,
            @RequestParam(defaultValue = "") String expiresOn,
            @RequestParam(defaultValue = "") String monthlyCreditCap,
            @RequestParam(defaultValue = "") String budgetPeriod,
            @RequestParam(defaultValue = "") String userDailyCreditLimit,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        requireManager(member);
        var form = new KeyForm(
                echo(name),
                echo(mode),
                echo(expiresOn),
                echo(monthlyCreditCap),
                echo(budgetPeriod),
                echo(userDailyCreditLimit));
        try {
            var key = new NewApiKey(
                    name,
                    ApiKeyMode.parse(mode),
                    NewApiKey.parseExpiresOn(expiresOn),
                    NewApiKey.parseMonthlyCreditCap(monthlyCreditCap),
                    KeyBudgetPeriod.parse(budgetPeriod),
                    NewApiKey.parseUserDailyCreditLimit(userDailyCreditLimit));
            CreatedApiKey created = apiKeys.create(member, key);
            model.addAttribute("created", created);
            if (htmx != null) {
                // The form is long: bring the new secret, at the top of the panel, into view (below the sticky header).
                response.setHeader("HX-Reswap", "outerHTML show:#keys-panel:top");
            }
            return page(member, model, KeyForm.EMPTY, null, htmx != null);
        } catch (ApiKeyException refused) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("errorField", refused.field());
            model.addAttribute("errorMessage", refused.getMessage());
            return page(member, model, form, null, htmx != null);
        }
    }

    @GetMapping("/{id}/revoke")
    String confirmRevoke(Member member, @PathVariable String id, Model model) {
        requireManager(member);
        var key = apiKeys.find(member.workspace().id(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("member", member);
        model.addAttribute("key", row(key, clock.instant()));
        return "keys/revoke";
    }

    @PostMapping("/{id}/revoke")
    String revoke(Member member, @PathVariable String id, RedirectAttributes redirect) {
        requireManager(member);
        var key = apiKeys.find(member.workspace().id(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        if (!apiKeys.revoke(member, id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute(
                "noticeMessage", "Revoked \"" + key.name() + "\" (" + key.prefix() + "…). It stopped working at once.");
        return "redirect:/app/keys";
    }

    private String page(Member member, Model model, KeyForm form, String notice, boolean fragmentOnly) {
        Instant now = clock.instant();
        List<KeyRow> rows = apiKeys.list(member.workspace().id()).stream()
                .map(key -> row(key, now))
                .toList();
        model.addAttribute("member", member);
        model.addAttribute("canManage", member.canManageWorkspace());
        model.addAttribute("keys", rows);
        model.addAttribute("form", form);
        model.addAttribute("apiBase", properties.baseUrlString() + "/api/v1");
        model.addAttribute("today", now.atZone(ZoneOffset.UTC).toLocalDate().toString());
        if (notice != null) {
            model.addAttribute("noticeMessage", notice);
        }
        if (member.canManageWorkspace() && !fragmentOnly) {
            var secret = webhooks.secret(member.workspace().id()); // made on first need: to be copied
            model.addAttribute("webhookSecret", secret);
            model.addAttribute("webhookSecretCreated", WHEN.format(secret.createdAt()));
            model.addAttribute(
                    "webhookPreviousUntil",
                    secret.previousValidUntil() == null ? null : WHEN.format(secret.previousValidUntil()));
        }
        return fragmentOnly ? "keys/list :: panel" : "keys/list";
    }

    private KeyRow row(ApiKeySummary key, Instant now) {
        var status = key.status(now);
        String budget = "None";
        String resets = null;
        String state = null;
        if (key.monthlyCreditCap() != null) {
            // What the ledger counts against the budget (its clock, its period boundaries): shown as it will refuse.
            var usage = credits.keyBudgetUsage(
                    key.id(), BudgetPeriod.valueOf(key.budgetPeriod().name()));
            budget = String.format(
                    Locale.ROOT,
                    "%,d / %,d credits this %s",
                    usage.spent(),
                    key.monthlyCreditCap(),
                    key.budgetPeriod().value());
            resets = RESETS.format(usage.resetsAt());
            if (usage.spent() >= key.monthlyCreditCap()) {
                state = "Budget used up: new tasks are refused until it resets";
            } else if (usage.refused()) {
                state = "Refused a task this " + key.budgetPeriod().value() + ": it would have passed the budget";
            }
        }
        String userLimit = key.userDailyCreditLimit() == null
                ? "Workspace default"
                : String.format(Locale.ROOT, "%,d credits per user per day", key.userDailyCreditLimit());
        return new KeyRow(
                key.id(),
                key.name(),
                key.prefix() + "…",
                key.mode().value(),
                WHEN.format(key.createdAt()),
                key.lastUsedAt() == null ? "Never" : WHEN.format(key.lastUsedAt()),
                key.lastUsedIp(),
                expires(key.expiresAt()),
                budget,
                resets,
                state,
                userLimit,
                switch (status) {
                    case ACTIVE -> "Active";
                    case EXPIRED -> "Expired";
                    case REVOKED -> "Revoked";
                },
                status != ApiKeySummary.Status.REVOKED);
    }

    /** Keys created here expire at a midnight UTC: show the last day they work, as the form asked for it. */
    private static String expires(Instant expiresAt) {
        if (expiresAt == null) {
            return "Never";
        }
        var at = expiresAt.atZone(ZoneOffset.UTC);
        return at.toLocalTime().equals(LocalTime.MIDNIGHT)
                ? "End of " + at.toLocalDate().minusDays(1) + " (UTC)"
                : WHEN.format(expiresAt);
    }

    private static void requireManager(Member member) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
    }

    private static String echo(String value) {
        return value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) : value;
    }
}
