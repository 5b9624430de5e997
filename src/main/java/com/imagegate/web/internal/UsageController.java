package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.apikey.ApiKeySummary;
import com.imagegate.apikey.ApiKeys;
import com.imagegate.generation.Usage;
import com.imagegate.generation.Usage.UsageRow;
import com.imagegate.generation.Usage.UserUsageRow;
import com.imagegate.generation.UserQuotas;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Usage by day, by key and by end user ({@code user}), for a date range (UTC days, the last 30 by default), as a page or
 * CSV downloads; and the workspace's spend control, the daily credit limit per end user, set by owners and admins.
 */
@Controller
class UsageController {

    static final int MAX_DAYS = 366;
    /** The page lists the top users; the CSV has every user of the range, up to this many. */
    static final int TOP_USERS = 20;

    static final int CSV_USERS = 100_000;
    private static final int MAX_ECHO = 40;

    private final Usage usage;
    private final ApiKeys apiKeys;
    private final UserQuotas userQuotas;
    private final Clock clock;

    UsageController(Usage usage, ApiKeys apiKeys, UserQuotas userQuotas, Clock clock) {
        this.usage = usage;
        this.apiKeys = apiKeys;
        this.userQuotas = userQuotas;
        this.clock = clock;
    }

    @GetMapping("/app/usage")
    String usage(
            Member member,
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            Model model,
            HttpServletResponse response) {
        Range range;
        try {
            range = Range.of(from, to, today());
        } catch (IllegalArgumentException invalid) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errorMessage", invalid.getMessage());
            range = Range.of("", "", today());
        }
        List<UsageRow> rows = usage.daily(member.workspace().id(), range.from(), range.to());
        Map<String, String> keyNames = keyNames(member.workspace().id());
        List<DayTotals> days = byDay(rows, range);
        model.addAttribute("range", range);
        model.addAttribute("days", days);
        model.addAttribute("chart", chart(days));
        model.addAttribute(
                "keys",
                rows.stream()
                        .collect(Collectors.groupingBy(
                                r -> keyNames.getOrDefault(String.valueOf(r.apiKeyId()), "Deleted key"),
                                TreeMap::new,
                                Collectors.reducing(Totals.ZERO, Totals::of, Totals::plus))));
        model.addAttribute("total", rows.stream().map(Totals::of).reduce(Totals.ZERO, Totals::plus));
        model.addAttribute("users", usage.byUser(member.workspace().id(), range.from(), range.to(), TOP_USERS));
        model.addAttribute("topUsers", TOP_USERS);
        if (!model.containsAttribute("quotaForm")) {
            spendControl(member, model, null);
        }
        return "usage/usage";
    }

    /**
     * Sets (or, empty, removes) the daily credit limit per end user. htmx gets the spend-control section back; a plain
     * form post is redirected to the page. Malformed input is refused with the section (or page) saying why, and
     * nothing is saved.
     */
    @PostMapping("/app/usage/user-quota")
    String setUserQuota(
            Member member,
            @RequestParam(defaultValue = "") String dailyCreditLimit,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        Long limit;
        try {
            limit = UserQuotas.parseDailyCreditLimit(dailyCreditLimit);
        } catch (IllegalArgumentException invalid) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            spendControl(
                    member,
                    model,
                    dailyCreditLimit.length() > MAX_ECHO ? dailyCreditLimit.substring(0, MAX_ECHO) : dailyCreditLimit);
            model.addAttribute("quotaError", invalid.getMessage());
            return htmx != null ? "usage/usage :: spend-control" : usage(member, "", "", model, response);
        }
        userQuotas.setDailyCreditLimit(member.workspace().id(), limit, "user:" + member.userId());
        if (htmx == null) {
            return "redirect:/app/usage?quota-saved";
        }
        spendControl(member, model, null);
        model.addAttribute(
                "quotaNotice",
                limit == null
                        ? "Removed: end users are not limited."
                        : "Saved: each end user may spend at most " + String.format(Locale.ROOT, "%,d", limit)
                                + " credits per UTC day.");
        return "usage/usage :: spend-control";
    }

    /** The spend-control section's model: the current limit and, after a refusal, what was typed. */
    private void spendControl(Member member, Model model, String typed) {
        var limit = userQuotas.dailyCreditLimit(member.workspace().id());
        model.addAttribute("canManage", member.canManageWorkspace());
        model.addAttribute(
                "userQuota",
                limit.map(l -> String.format(Locale.ROOT, "%,d", l)).orElse(null));
        model.addAttribute(
                "quotaForm", typed != null ? typed : limit.map(String::valueOf).orElse(""));
    }

    /** Spend by end user ({@code user}) for the range, every user, the most credits first. */
    @GetMapping("/app/usage/users.csv")
    void usersCsv(
            Member member,
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            HttpServletResponse response)
            throws IOException {
        Range range;
        try {
            range = Range.of(from, to, today());
        } catch (IllegalArgumentException invalid) {
            response.sendError(HttpStatus.BAD_REQUEST.value(), invalid.getMessage());
            return;
        }
        List<UserUsageRow> rows = usage.byUser(member.workspace().id(), range.from(), range.to(), CSV_USERS);
        PrintWriter out =
                csvDownload(response, "imagegate-usage-by-user-" + range.from() + "-to-" + range.to() + ".csv");
        out.print("from,to,user,tasks,images,credits\r\n");
        for (UserUsageRow row : rows) {
            out.print(String.join(
                            ",",
                            range.from().toString(),
                            range.to().toString(),
                            cell(row.user()),
                            Long.toString(row.tasks()),
                            Long.toString(row.images()),
                            Long.toString(row.credits()))
                    + "\r\n");
        }
        out.flush();
    }

    @GetMapping("/app/usage.csv")
    void csv(
            Member member,
            @RequestParam(defaultValue = "") String from,
            @RequestParam(defaultValue = "") String to,
            HttpServletResponse response)
            throws IOException {
        Range range;
        try {
            range = Range.of(from, to, today());
        } catch (IllegalArgumentException invalid) {
            response.sendError(HttpStatus.BAD_REQUEST.value(), invalid.getMessage());
            return;
        }
        List<UsageRow> rows = usage.daily(member.workspace().id(), range.from(), range.to());
        Map<String, String> keyNames = keyNames(member.workspace().id());
        PrintWriter out = csvDownload(response, "imagegate-usage-" + range.from() + "-to-" + range.to() + ".csv");
        out.print("day,key_id,key,tasks,images,failures,credits\r\n");
        for (UsageRow row : rows) {
            out.print(String.join(
                            ",",
                            row.day().toString(),
                            row.apiKeyId() == null ? "" : cell(row.apiKeyId()),
                            cell(keyNames.getOrDefault(String.valueOf(row.apiKeyId()), "Deleted key")),
                            Long.toString(row.tasks()),
                            Long.toString(row.images()),
                            Long.toString(row.failures()),
                            Long.toString(row.credits()))
                    + "\r\n");
        }
        out.flush();
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private Map<String, String> keyNames(String workspaceId) {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("null", "Web studio");
        for (ApiKeySummary key : apiKeys.list(workspaceId)) {
            names.put(key.id(), key.name() + " (" + key.prefix() + "…)");
        }
        return names;
    }

    /** The chart's data: credits spent and failures per day (chart.js in frontend-assets draws it). */
    static String chart(List<DayTotals> days) {
        var json = JsonMapper.shared().createObjectNode();
        var dates = json.putArray("days");
        days.forEach(d -> dates.add(d.day().toString()));
        var series = json.putArray("series");
        var credits = series.addObject().put("label", "Credits spent").putArray("values");
        days.forEach(d -> credits.add(d.totals().credits()));
        var failures = series.addObject().put("label", "Failed tasks").putArray("values");
        days.forEach(d -> failures.add(d.totals().failures()));
        return json.toString();
    }

    /** Every day of the range, with zeros for days without tasks, so the table and chart have no gaps. */
    static List<DayTotals> byDay(List<UsageRow> rows, Range range) {
        // Rows outside the range (a wider query shared with other figures) are left out.
        Map<LocalDate, Totals> sums = rows.stream()
                .filter(r -> !r.day().isBefore(range.from()) && !r.day().isAfter(range.to()))
                .collect(Collectors.groupingBy(
                        UsageRow::day, Collectors.reducing(Totals.ZERO, Totals::of, Totals::plus)));
        return range.from()
                .datesUntil(range.to().plusDays(1))
                .map(day -> new DayTotals(day, sums.getOrDefault(day, Totals.ZERO)))
                .toList();
    }

    /** A CSV cell: quoted, and a leading formula character neutralised so a spreadsheet does not run it. */
    static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }

    record Range(LocalDate from, LocalDate to) {

        static Range of(String from, String to, LocalDate today) {
            LocalDate end = to.isBlank() ? today : parse(to, "To");
            LocalDate start = from.isBlank() ? end.minusDays(29) : parse(from, "From");
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("The end date is before the start date.");
            }
            if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
                throw new IllegalArgumentException("Choose at most " + MAX_DAYS + " days at a time.");
            }
            return new Range(start, end);
        }

        private static LocalDate parse(String value, String label) {
            try {
                return LocalDate.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(label + " must be a date like 2026-11-25.", e);
            }
        }
    }

    record Totals(long tasks, long images, long failures, long credits) {
        static final Totals ZERO = new Totals(0, 0, 0, 0);

        static Totals of(UsageRow row) {
            return new Totals(row.tasks(), row.images(), row.failures(), row.credits());
        }

        Totals plus(Totals other) {
            return new Totals(
                    tasks + other.tasks, images + other.images, failures + other.failures, credits + other.credits);
        }
    }

    record DayTotals(LocalDate day, Totals totals) {}

    /** Starts a CSV download named {@code filename} (UTF-8) and returns its writer. */
    private static PrintWriter csvDownload(HttpServletResponse response, String filename) throws IOException {
        response.setContentType("text/csv;charset=UTF-8");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
        return response.getWriter();
    }
}
