package com.imagegate.admin.internal;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.Member;
import com.imagegate.generation.ContentPolicy;
import com.imagegate.generation.ProtectionProperties;
import com.imagegate.web.shell.ShellPage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The content-policy review queue (paused workspaces and the prompts that paused them) and the prompt denylist. */
@Controller
@ShellPage
class AdminContentPolicyController {

    /** How many of a workspace's strikes its review shows. */
    static final int REVIEW_STRIKES = 100;

    private final ContentPolicy policy;
    private final ContentPolicyActions actions;
    private final AccountAdmin accounts;
    private final ProtectionProperties protection;

    AdminContentPolicyController(
            ContentPolicy policy,
            ContentPolicyActions actions,
            AccountAdmin accounts,
            ProtectionProperties protection) {
        this.policy = policy;
        this.actions = actions;
        this.accounts = accounts;
        this.protection = protection;
    }

    @GetMapping("/admin/reviews")
    String queue(Model model) {
        var paused = policy.pausedWorkspaces();
        Map<String, String> names = new LinkedHashMap<>();
        paused.forEach(p -> names.put(
                p.workspaceId(),
                accounts.workspaceRecord(p.workspaceId())
                        .map(AccountAdmin.WorkspaceRecord::name)
                        .orElse(p.workspaceId())));
        model.addAttribute("paused", paused);
        model.addAttribute("names", names);
        model.addAttribute("protection", protection);
        return "admin/reviews";
    }

    @GetMapping("/admin/reviews/{workspaceId}")
    String review(@PathVariable String workspaceId, Model model) {
        var review = policy.review(workspaceId, REVIEW_STRIKES)
                .orElseThrow(() -> new ResponseStatusException(
                        org.springframework.http.HttpStatus.NOT_FOUND, "That workspace is not paused."));
        model.addAttribute("review", review);
        model.addAttribute("workspace", accounts.workspaceRecord(workspaceId).orElse(null));
        model.addAttribute("workspaceId", workspaceId);
        return "admin/review";
    }

    @PostMapping("/admin/reviews/{workspaceId}/unpause")
    String unpause(
            Member admin,
            @PathVariable String workspaceId,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/reviews", () -> {
            actions.unpause(admin, workspaceId, reason);
            return "Generation resumed for " + workspaceId + "; its strikes are cleared.";
        });
    }

    @PostMapping("/admin/reviews/{workspaceId}/keep")
    String keep(
            Member admin,
            @PathVariable String workspaceId,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/reviews", () -> {
            actions.keepPaused(admin, workspaceId, reason);
            return workspaceId + " stays paused (reviewed).";
        });
    }

    @GetMapping("/admin/denylist")
    String denylist(Model model) {
        model.addAttribute("phrases", policy.denylist());
        model.addAttribute("maxEntries", protection.denylistMaxEntries());
        return "admin/denylist";
    }

    @PostMapping("/admin/denylist")
    String deny(
            Member admin,
            @RequestParam(defaultValue = "") String phrase,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/denylist", () -> {
            String added = actions.deny(admin, phrase, reason);
            return "\"" + added + "\" is denied from the next request on.";
        });
    }

    @PostMapping("/admin/denylist/{id}/remove")
    String allow(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/denylist", () -> {
            String removed = actions.allow(admin, id, reason);
            return "\"" + removed + "\" is no longer denied.";
        });
    }
}
