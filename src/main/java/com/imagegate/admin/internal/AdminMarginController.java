package com.imagegate.admin.internal;

import com.imagegate.web.shell.ShellPage;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The margin page: revenue, credits and upstream cost over a range of UTC days, with a chart and a CSV export. */
@Controller
@ShellPage
class AdminMarginController {

    /** The longest range, in days. */
    static final int MAX_DAYS = 366;

    static final double CHART_WIDTH = 720;
    static final double CHART_HEIGHT = 160;

    private final MarginReport margin;
    private final AdminReports reports;

    AdminMarginController(MarginReport margin, AdminReports reports) {
        this.margin = margin;
        this.reports = reports;
    }

    /** A checked range of days, or the reason it is refused. */
    private record Range(LocalDate from, LocalDate to, String problem) {}

    private Range range(String from, String to) {
        try {
            LocalDate end = to.isBlank() ? reports.today() : AdminPagesController.date(to);
            LocalDate start = from.isBlank() ? end.minusDays(29) : AdminPagesController.date(from);
            if (end.isBefore(start)) {
                return new Range(null, null, "The end date is before the start date.");
            }
            if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
                return new Range(null, null, "Choose at most " + MAX_DAYS + " days at a time.");
            }
            return new Range(start, end, null);
        } catch (AdminException invalid) {
            return new Range(null, null, invalid.getMessage());
        }
    }

    @GetMapping("/admin/margin")
    String page(
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            Model model,
            HttpServletResponse response) {
        Range range = range(from, to);
        if (range.problem() != null) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            LocalDate today = reports.today();
            range = new Range(today.minusDays(29), today, range.problem());
            model.addAttribute("problem", range.problem());
        }
        MarginReport.Report report = margin.report(range.from(), range.to());
        model.addAttribute("report", report);
        model.addAttribute("bars", MarginReport.bars(report, CHART_WIDTH, CHART_HEIGHT));
        model.addAttribute("chartWidth", CHART_WIDTH);
        model.addAttribute("chartHeight", CHART_HEIGHT);
        model.addAttribute("from", range.from());
        model.addAttribute("to", range.to());
        return "admin/margin";
    }

    /**
     * The page's figures as CSV, one row per figure set: {@code section} is {@code total}, {@code day}, {@code channel},
     * {@code plan} or {@code workspace}; money in the cost currency as decimals, credits as integers.
     */
    @GetMapping("/admin/margin.csv")
    void csv(
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            HttpServletResponse response)
            throws IOException {
        Range range = range(from, to);
        if (range.problem() != null) {
            response.sendError(HttpStatus.BAD_REQUEST.value(), range.problem());
            return;
        }
        MarginReport.Report report = margin.report(range.from(), range.to());
        response.setContentType("text/csv;charset=UTF-8");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"imagegate-margin-" + range.from() + "-to-" + range.to() + ".csv\"");
        PrintWriter out = response.getWriter();
        out.print(String.join(
                        ",",
                        "section",
                        "key",
                        "currency",
                        "payments",
                        "paid",
                        "refunded",
                        "disputed",
                        "revenue",
                        "credits_sold",
                        "credits_free",
                        "credits_spent",
                        "credits_expired",
                        "calls",
                        "billed_images",
                        "upstream_cost",
                        "gross_margin")
                + "\r\n");
        row(out, "total", report.total(), report.currency());
        report.days().forEach(f -> row(out, "day", f, report.currency()));
        report.channels().forEach(f -> row(out, "channel", f, report.currency()));
        report.plans().forEach(f -> row(out, "plan", f, report.currency()));
        report.workspaces().forEach(f -> row(out, "workspace", f, report.currency()));
        out.flush();
    }

    private static void row(PrintWriter out, String section, MarginReport.Figures f, String currency) {
        List<String> cells = new ArrayList<>(List.of(
                section,
                AdminTasksController.cell(f.getKey()),
                currency,
                Long.toString(f.getPayments()),
                f.money(f.getPaid()),
                f.money(f.getRefunded()),
                f.money(f.getDisputed()),
                f.money(f.getRevenue()),
                Long.toString(f.getCreditsSold()),
                Long.toString(f.getCreditsFree()),
                Long.toString(f.getCreditsSpent()),
                Long.toString(f.getCreditsExpired()),
                Long.toString(f.getCalls()),
                Long.toString(f.getBilledImages()),
                f.money(f.getCost()),
                f.money(f.getMargin())));
        out.print(String.join(",", cells) + "\r\n");
    }
}
