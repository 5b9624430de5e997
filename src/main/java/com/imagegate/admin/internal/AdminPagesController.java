package com.imagegate.admin.internal;

import com.imagegate.Ids;
import com.imagegate.account.AccountAdmin;
import com.imagegate.account.Member;
import com.imagegate.account.Role;
import com.imagegate.apikey.ApiKeys;
import com.imagegate.billing.Billing;
import com.imagegate.billing.Plans;
import com.imagegate.credits.Credits;
import com.imagegate.credits.HistoryQuery;
import com.imagegate.generation.TaskAdmin;
import com.imagegate.web.shell.ShellPage;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The admin console's overview, search, workspace and user pages, their actions, and the audit log. */
@Controller
@ShellPage
class AdminPagesController {

    private final AdminReports reports;
    private final CreditActions creditActions;
    private final AccountActions accountActions;
    private final AccountAdmin accounts;
    private final Credits credits;
    private final ApiKeys apiKeys;
    private final Billing billing;
    private final Plans plans;
    private final TaskAdmin tasks;
    private final AuditLog audit;
    private final Clock clock;

    AdminPagesController(
            AdminReports reports,
            CreditActions creditActions,
            AccountActions accountActions,
            AccountAdmin accounts,
            Credits credits,
            ApiKeys apiKeys,
            Billing billing,
            Plans plans,
            TaskAdmin tasks,
            AuditLog audit,
            Clock clock) {
        this.reports = reports;
        this.creditActions = creditActions;
        this.accountActions = accountActions;
        this.accounts = accounts;
        this.credits = credits;
        this.apiKeys = apiKeys;
        this.billing = billing;
        this.plans = plans;
        this.tasks = tasks;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping("/admin")
    String overview(Model model) {
        model.addAttribute("periods", reports.periods());
        model.addAttribute("chart", reports.chart());
        Map<String, String> names = new LinkedHashMap<>();
        var top = reports.topSpenders(10);
        top.forEach(s -> names.put(
                s.workspaceId(),
                accounts.workspaceRecord(s.workspaceId())
                        .map(AccountAdmin.WorkspaceRecord::name)
                        .orElse(s.workspaceId())));
        model.addAttribute("top", top);
        model.addAttribute("names", names);
        model.addAttribute("flags", billing.openFlags());
        model.addAttribute("priceMismatches", billing.priceMismatches());
        return "admin/overview";
    }

    @GetMapping("/admin/search")
    String search(@RequestParam(defaultValue = "") String q, Model model) {
        String query = q.strip();
        model.addAttribute("q", query);
        if (query.length() > 320) {
            model.addAttribute("problem", "Search for at most 320 characters.");
            query = "";
        }
        model.addAttribute("users", accounts.findUsers(query, 50));
        model.addAttribute("workspaces", accounts.findWorkspaces(query, 50));
        model.addAttribute("keys", apiKeys.findByPrefix(query, 50));
        model.addAttribute("task", query.startsWith("task_") ? tasks.find(query).orElse(null) : null);
        return "admin/search";
    }

    @GetMapping("/admin/workspaces/{id}")
    String workspace(@PathVariable String id, @RequestParam(defaultValue = "") String ledgerCursor, Model model) {
        var workspace = accounts.workspaceRecord(id).orElseThrow(AdminPagesController::notFound);
        model.addAttribute("workspace", workspace);
        model.addAttribute("members", accounts.members(id));
        model.addAttribute("plan", plans.current(id));
        model.addAttribute("balance", credits.balance(id));
        HistoryQuery query = HistoryQuery.firstPage(id, 50);
        try {
            model.addAttribute("history", credits.history(ledgerCursor.isBlank() ? query : query.after(ledgerCursor)));
        } catch (IllegalArgumentException badCursor) {
            model.addAttribute("history", credits.history(query));
        }
        model.addAttribute("keys", apiKeys.list(id));
        model.addAttribute("now", clock.instant());
        model.addAttribute(
                "tasks",
                tasks.search(new TaskAdmin.Filter(null, id, null, null, null, null, null, null, 20))
                        .tasks());
        model.addAttribute("payments", billing.payments(id, 20));
        model.addAttribute("flags", billing.flags(id));
        model.addAttribute(
                "audit",
                audit.find(new AuditFilter(null, null, id, null, null, null, null, 20))
                        .entries());
        model.addAttribute("token", Ids.next("adm"));
        return "admin/workspace";
    }

    @PostMapping("/admin/workspaces/{id}/grant")
    String grant(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String credits,
            @RequestParam(defaultValue = "") String expiresOn,
            @RequestParam(defaultValue = "") String reason,
            @RequestParam(defaultValue = "") String token,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/workspaces/" + id, () -> {
            var entry = creditActions.grant(admin, id, amount(credits), date(expiresOn), reason, token);
            return "Granted " + entry.credits() + " credits.";
        });
    }

    @PostMapping("/admin/workspaces/{id}/adjust")
    String adjust(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String credits,
            @RequestParam(defaultValue = "") String reason,
            @RequestParam(defaultValue = "") String token,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/workspaces/" + id, () -> {
            var entry = creditActions.adjust(admin, id, amount(credits), reason, token);
            return "Adjusted by " + (entry.credits() > 0 ? "+" : "") + entry.credits() + " credits.";
        });
    }

    @PostMapping("/admin/workspaces/{id}/suspend")
    String suspend(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/workspaces/" + id, () -> {
            accountActions.setSuspended(admin, id, true, reason);
            return "Workspace suspended: its API keys are refused and the studio says why.";
        });
    }

    @PostMapping("/admin/workspaces/{id}/unsuspend")
    String unsuspend(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/workspaces/" + id, () -> {
            accountActions.setSuspended(admin, id, false, reason);
            return "Workspace restored.";
        });
    }

    @PostMapping("/admin/workspaces/{id}/keys/{keyId}/revoke")
    String revokeKey(
            Member admin,
            @PathVariable String id,
            @PathVariable String keyId,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/workspaces/" + id, () -> {
            accountActions.revokeKey(admin, id, keyId, reason);
            return "Key revoked.";
        });
    }

    @PostMapping("/admin/flags/{flagId}/resolve")
    String resolveFlag(
            Member admin,
            @PathVariable String flagId,
            @RequestParam(defaultValue = "") String reason,
            @RequestParam(defaultValue = "") String workspaceId,
            RedirectAttributes redirect) {
        String back = accounts.workspaceRecord(workspaceId).isPresent() ? "/admin/workspaces/" + workspaceId : "/admin";
        return act(redirect, back, () -> {
            creditActions.resolveFlag(admin, flagId, reason);
            return "Flag resolved.";
        });
    }

    @GetMapping("/admin/users/{id}")
    String user(@PathVariable String id, Model model) {
        model.addAttribute("user", accounts.user(id).orElseThrow(AdminPagesController::notFound));
        model.addAttribute("workspaces", accounts.workspacesOf(id));
        model.addAttribute(
                "audit",
                audit.find(new AuditFilter(null, null, null, id, null, null, null, 20))
                        .entries());
        return "admin/user";
    }

    @PostMapping("/admin/users/{id}/role")
    String role(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String role,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return act(redirect, "/admin/users/" + id, () -> {
            Role target;
            try {
                target = Role.valueOf(role.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw new AdminException("Choose the role USER or ADMIN.");
            }
            accountActions.setRole(admin, id, target, reason);
            return target == Role.ADMIN ? "Promoted to admin." : "Admin role removed.";
        });
    }

    @GetMapping("/admin/audit")
    String audit(
            @RequestParam(defaultValue = "") String admin,
            @RequestParam(defaultValue = "") String action,
            @RequestParam(defaultValue = "") String workspace,
            @RequestParam(defaultValue = "") String target,
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            @RequestParam(defaultValue = "") String before,
            Model model) {
        model.addAttribute(
                "filter",
                Map.of(
                        "admin",
                        admin,
                        "action",
                        action,
                        "workspace",
                        workspace,
                        "target",
                        target,
                        "from",
                        from,
                        "to",
                        to));
        model.addAttribute("actions", audit.actions());
        try {
            LocalDate fromDay = date(from);
            LocalDate toDay = date(to);
            model.addAttribute(
                    "page",
                    audit.find(new AuditFilter(
                            admin,
                            action,
                            workspace,
                            target,
                            fromDay == null
                                    ? null
                                    : fromDay.atStartOfDay(ZoneOffset.UTC).toInstant(),
                            toDay == null
                                    ? null
                                    : toDay.plusDays(1)
                                            .atStartOfDay(ZoneOffset.UTC)
                                            .toInstant(),
                            before,
                            100)));
        } catch (AdminException invalid) {
            model.addAttribute("problem", invalid.getMessage());
            model.addAttribute("page", new AuditLog.Page(List.of(), null));
        }
        return "admin/audit";
    }

    /** Runs an action; its message or its refusal is shown on the page it redirects back to. */
    static String act(RedirectAttributes redirect, String back, Supplier<String> action) {
        try {
            redirect.addFlashAttribute("notice", action.get());
        } catch (AdminException refused) {
            redirect.addFlashAttribute("problem", refused.getMessage());
        } catch (DuplicateKeyException twice) {
            redirect.addFlashAttribute("problem", "This action was already done (the form was submitted twice).");
        }
        return "redirect:" + back;
    }

    static long amount(String text) {
        try {
            return Long.parseLong(text.strip().replace("_", "").replace(",", ""));
        } catch (NumberFormatException notANumber) {
            throw new AdminException("Enter the credits as a whole number, like 500 or -200.");
        }
    }

    static LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException invalid) {
            throw new AdminException("Enter dates like 2026-11-25.");
        }
    }

    static ResponseStatusException notFound() {
        return new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    static <T> T found(Optional<T> value) {
        return value.orElseThrow(AdminPagesController::notFound);
    }
}
