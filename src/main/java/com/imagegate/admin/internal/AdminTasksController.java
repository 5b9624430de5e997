package com.imagegate.admin.internal;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.Member;
import com.imagegate.credits.LedgerEntry;
import com.imagegate.credits.LedgerReports;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Micros;
import com.imagegate.generation.TaskAdmin;
import com.imagegate.generation.TaskStatus;
import com.imagegate.generation.UpstreamChannels;
import com.imagegate.web.shell.ShellPage;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** All tasks with filters, one task's timeline and its refund, and the usage export. */
@Controller
@ShellPage
class AdminTasksController {

    static final int MAX_EXPORT_DAYS = 366;

    private final TaskAdmin tasks;
    private final Generations generations;
    private final LedgerReports ledger;
    private final AccountAdmin accounts;
    private final CreditActions credits;
    private final AdminReports reports;
    private final ObjectProvider<UpstreamChannels> channels;

    AdminTasksController(
            TaskAdmin tasks,
            Generations generations,
            LedgerReports ledger,
            AccountAdmin accounts,
            CreditActions credits,
            AdminReports reports,
            ObjectProvider<UpstreamChannels> channels) {
        this.tasks = tasks;
        this.generations = generations;
        this.ledger = ledger;
        this.accounts = accounts;
        this.credits = credits;
        this.reports = reports;
        this.channels = channels;
    }

    @GetMapping("/admin/tasks")
    String list(
            @RequestParam(defaultValue = "") String status,
            @RequestParam(defaultValue = "") String workspace,
            @RequestParam(defaultValue = "") String provider,
            @RequestParam(defaultValue = "") String model,
            @RequestParam(defaultValue = "") String size,
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            @RequestParam(defaultValue = "") String before,
            Model page,
            HttpServletResponse response) {
        Map<String, String> filter = new HashMap<>(Map.of(
                "status", status,
                "workspace", workspace,
                "provider", provider,
                "model", model,
                "size", size,
                "from", from,
                "to", to));
        page.addAttribute("filter", filter);
        page.addAttribute(
                "statuses",
                Arrays.stream(TaskStatus.values()).map(TaskStatus::wireValue).toList());
        page.addAttribute(
                "sizes",
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList());
        try {
            TaskStatus wanted = status.isBlank() ? null : parseStatus(status);
            LocalDate fromDay = AdminPagesController.date(from);
            LocalDate toDay = AdminPagesController.date(to);
            Optional<GenerationProperties.Provider> wantedProvider =
                    provider.isBlank() ? Optional.empty() : GenerationProperties.Provider.parse(provider);
            if (!provider.isBlank() && wantedProvider.isEmpty()) {
                // No task ran with a provider of that name: the page is empty, as the filter on the column made it.
                page.addAttribute("page", new TaskAdmin.Page(List.of(), null));
                return "admin/tasks";
            }
            page.addAttribute(
                    "page",
                    tasks.search(new TaskAdmin.Filter(
                            wanted,
                            workspace,
                            wantedProvider.orElse(null),
                            model,
                            size,
                            fromDay == null
                                    ? null
                                    : fromDay.atStartOfDay(ZoneOffset.UTC).toInstant(),
                            toDay == null
                                    ? null
                                    : toDay.plusDays(1)
                                            .atStartOfDay(ZoneOffset.UTC)
                                            .toInstant(),
                            before,
                            50)));
        } catch (AdminException | IllegalArgumentException invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            page.addAttribute("problem", invalid.getMessage());
            page.addAttribute("page", new TaskAdmin.Page(List.of(), null));
        }
        return "admin/tasks";
    }

    @GetMapping("/admin/tasks/{id}")
    String task(@PathVariable String id, Model model) {
        TaskAdmin.TaskRecord task = AdminPagesController.found(tasks.find(id));
        model.addAttribute("task", task);
        model.addAttribute(
                "workspace", accounts.workspaceRecord(task.workspaceId()).orElse(null));
        List<LedgerEntry> entries = new ArrayList<>(ledger.entriesOfReservation(id));
        ledger.entry(CreditActions.refundReference(id)).ifPresent(entries::add);
        model.addAttribute("entries", entries);
        model.addAttribute("reserved", sum(entries, "RESERVE", true));
        model.addAttribute(
                "captured",
                -entries.stream()
                        .filter(e -> e.kind().name().equals("CAPTURE"))
                        .mapToLong(LedgerEntry::held)
                        .sum());
        model.addAttribute("released", sum(entries, "RELEASE", false));
        model.addAttribute(
                "refund", ledger.entry(CreditActions.refundReference(id)).orElse(null));
        UpstreamChannels provider = channels.getIfAvailable();
        model.addAttribute("attemptsAvailable", provider != null);
        model.addAttribute("attempts", provider == null ? List.of() : provider.attempts(id));
        model.addAttribute("upstreamCost", provider == null ? null : Micros.format(provider.taskCost(id)));
        model.addAttribute("currency", provider == null ? null : provider.costCurrency());
        try {
            model.addAttribute("images", generations.get(task.workspaceId(), id).images());
        } catch (GenerationException gone) {
            model.addAttribute("images", List.of());
        }
        return "admin/task";
    }

    @PostMapping("/admin/tasks/{id}/refund")
    String refund(
            Member admin,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/tasks/" + id, () -> {
            var entry = credits.refund(admin, id, reason);
            return "Refunded " + entry.credits() + " credits to the workspace.";
        });
    }

    @GetMapping("/admin/usage")
    String usage(Model model) {
        LocalDate today = reports.today();
        model.addAttribute("from", today.minusDays(29));
        model.addAttribute("to", today);
        return "admin/usage";
    }

    /** Usage by workspace by day: tasks, failures, credits spent and images by requested size. */
    @GetMapping("/admin/usage.csv")
    void usageCsv(
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            HttpServletResponse response)
            throws IOException {
        LocalDate start;
        LocalDate end;
        try {
            end = to.isBlank() ? reports.today() : AdminPagesController.date(to);
            start = from.isBlank() ? end.minusDays(29) : AdminPagesController.date(from);
        } catch (AdminException invalid) {
            response.sendError(HttpStatus.BAD_REQUEST.value(), invalid.getMessage());
            return;
        }
        if (end.isBefore(start)) {
            response.sendError(HttpStatus.BAD_REQUEST.value(), "The end date is before the start date.");
            return;
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_EXPORT_DAYS) {
            response.sendError(
                    HttpStatus.BAD_REQUEST.value(), "Choose at most " + MAX_EXPORT_DAYS + " days at a time.");
            return;
        }
        List<String> sizes =
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList();
        var rows = tasks.usageByWorkspace(start, end);
        Map<String, String> names = new HashMap<>();
        response.setContentType("text/csv;charset=UTF-8");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"imagegate-usage-by-workspace-" + start + "-to-" + end + ".csv\"");
        PrintWriter out = response.getWriter();
        List<String> header =
                new ArrayList<>(List.of("day", "workspace_id", "workspace", "tasks", "failures", "credits"));
        sizes.forEach(s -> header.add("images_" + s));
        header.add("images_other");
        header.add("images_total");
        out.print(String.join(",", header) + "\r\n");
        for (TaskAdmin.WorkspaceDay row : rows) {
            String name = names.computeIfAbsent(
                    row.workspaceId(),
                    id -> accounts.workspaceRecord(id)
                            .map(AccountAdmin.WorkspaceRecord::name)
                            .orElse(""));
            List<String> cells = new ArrayList<>(List.of(
                    row.day().toString(),
                    cell(row.workspaceId()),
                    cell(name),
                    Long.toString(row.tasks()),
                    Long.toString(row.failures()),
                    Long.toString(row.credits())));
            long known = 0;
            for (String size : sizes) {
                long images = row.imagesBySize().getOrDefault(size, 0L);
                known += images;
                cells.add(Long.toString(images));
            }
            long total = row.imagesBySize().values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            cells.add(Long.toString(total - known));
            cells.add(Long.toString(total));
            out.print(String.join(",", cells) + "\r\n");
        }
        out.flush();
    }

    private static TaskStatus parseStatus(String status) {
        try {
            return TaskStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new AdminException("Unknown status " + status + ".");
        }
    }

    private static long sum(List<LedgerEntry> entries, String kind, boolean held) {
        return entries.stream()
                .filter(e -> e.kind().name().equals(kind))
                .mapToLong(e -> held ? e.held() : e.credits())
                .sum();
    }

    /** A CSV cell: quoted, and a leading formula character neutralised so a spreadsheet does not run it. */
    static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
}
