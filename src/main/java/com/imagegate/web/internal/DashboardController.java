package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.billing.Plans;
import com.imagegate.credits.Credits;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The signed-in home: the current workspace at a glance, and switching between workspaces. */
@Controller
class DashboardController {

    private final CurrentMember currentMember;
    private final Credits credits;
    private final Plans plans;

    DashboardController(CurrentMember currentMember, Credits credits, Plans plans) {
        this.currentMember = currentMember;
        this.credits = credits;
        this.plans = plans;
    }

    @GetMapping("/app")
    String dashboard(Member member, Model model) {
        model.addAttribute("member", member);
        model.addAttribute("balance", credits.balance(member.workspace().id()));
        model.addAttribute("plan", plans.current(member.workspace().id()));
        return "app/dashboard";
    }

    @PostMapping("/app/workspace")
    String switchWorkspace(
            @RequestParam(defaultValue = "") String workspaceId,
            HttpServletRequest request,
            RedirectAttributes redirect) {
        if (!currentMember.select(request, workspaceId)) {
            redirect.addFlashAttribute("errorMessage", "That workspace is not one of yours.");
        }
        return "redirect:/app";
    }
}
