package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Accounts;
import com.imagegate.account.Member;
import com.imagegate.billing.Plans;
import com.imagegate.credits.Credits;
import com.imagegate.generation.Generations;
import com.imagegate.generation.TaskQuery;
import com.imagegate.generation.Usage;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
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
    private final Usage usage;
    private final Generations generations;
    private final Plans plans;
    private final ImagegateProperties properties;
    private final Clock clock;
    private final Accounts accounts;

    DashboardController(
            CurrentMember currentMember,
            Credits credits,
            Usage usage,
            Generations generations,
            Plans plans,
            ImagegateProperties properties,
            Clock clock,
            Accounts accounts) {
        this.accounts = accounts;
        this.currentMember = currentMember;
        this.credits = credits;
        this.usage = usage;
        this.generations = generations;
        this.plans = plans;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/app")
    String dashboard(Member member, Model model) {
        String workspaceId = member.workspace().id();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate monthStart = today.withDayOfMonth(1);
        var chartRange = new UsageController.Range(today.minusDays(29), today);
        LocalDate from = monthStart.isBefore(chartRange.from()) ? monthStart : chartRange.from();
        List<Usage.UsageRow> rows = usage.daily(workspaceId, from, today);
        model.addAttribute("member", member);
        model.addAttribute("balance", credits.balance(workspaceId));
        // Why a personal workspace has no free credits, when that is the reason (one grant per person).
        model.addAttribute(
                "freeCreditsElsewhere",
                member.workspace().personal()
                        && accounts.freeCredits(member.userId()) == Accounts.FreeCredits.GIVEN_TO_ANOTHER_ACCOUNT);
        model.addAttribute("plan", plans.current(workspaceId));
        model.addAttribute(
                "usedThisMonth",
                rows.stream()
                        .filter(r -> !r.day().isBefore(monthStart))
                        .mapToLong(Usage.UsageRow::credits)
                        .sum());
        model.addAttribute("chart", UsageController.chart(UsageController.byDay(rows, chartRange)));
        model.addAttribute(
                "recentTasks",
                generations
                        .list(workspaceId, new TaskQuery(null, 5, null, null, null, null))
                        .tasks());
        model.addAttribute("files", new StudioController.Files(properties.baseUrlString()));
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
