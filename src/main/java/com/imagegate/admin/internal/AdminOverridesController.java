package com.imagegate.admin.internal;

import com.imagegate.account.Member;
import com.imagegate.web.shell.ShellPage;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The custom terms form of the admin workspace page ({@code admin/workspace.html}, "Custom limits and prices"): set,
 * or clear back to the plan's defaults. Admins only ({@code /admin/**}), with the form's CSRF token; each change is
 * audited by {@link OverrideActions}. The message or the refusal is shown on the workspace page.
 */
@Controller
@ShellPage
class AdminOverridesController {

    private final OverrideActions actions;

    AdminOverridesController(OverrideActions actions) {
        this.actions = actions;
    }

    @PostMapping("/admin/workspaces/{id}/overrides")
    String set(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String requestsPerMinute,
            @RequestParam(defaultValue = "") String concurrentTasks,
            @RequestParam(defaultValue = "") String priceMultiplier,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/workspaces/" + id, () -> {
            var terms = actions.set(admin, id, requestsPerMinute, concurrentTasks, priceMultiplier, reason);
            return terms.isEmpty()
                    ? "Custom terms cleared: the plan's limits and list prices apply."
                    : "Custom terms saved: " + terms.describe() + ".";
        });
    }

    @PostMapping("/admin/workspaces/{id}/overrides/clear")
    String clear(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/workspaces/" + id, () -> {
            actions.clear(admin, id, reason);
            return "Custom terms cleared: the plan's limits and list prices apply.";
        });
    }
}
