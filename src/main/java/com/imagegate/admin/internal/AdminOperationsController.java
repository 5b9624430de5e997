package com.imagegate.admin.internal;

import com.imagegate.account.AccountAdmin;
import com.imagegate.account.Member;
import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Quality;
import com.imagegate.generation.UpstreamChannels;
import com.imagegate.generation.UpstreamPrice;
import com.imagegate.web.shell.ShellPage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.navigation.AmountRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/** Health (provider channels, background jobs, ledger integrity) and the abuse controls. */
@Controller
@ShellPage
class AdminOperationsController {

    /** How far back the health page counts every node's calls per channel. */
    static final Duration TRAFFIC_WINDOW = Duration.ofHours(1);

    private final OperationsActions operations;
    private final SignupActions signups;
    private final IntegrityRuns integrityRuns;
    private final ObjectProvider<UpstreamChannels> channels;
    private final ObjectProvider<StorageProvider> jobStorage;
    private final GenerationProperties generation;
    private final AccountAdmin accounts;
    private final Clock clock;

    AdminOperationsController(
            OperationsActions operations,
            SignupActions signups,
            IntegrityRuns integrityRuns,
            ObjectProvider<UpstreamChannels> channels,
            ObjectProvider<StorageProvider> jobStorage,
            GenerationProperties generation,
            AccountAdmin accounts,
            Clock clock) {
        this.operations = operations;
        this.signups = signups;
        this.integrityRuns = integrityRuns;
        this.channels = channels;
        this.jobStorage = jobStorage;
        this.generation = generation;
        this.accounts = accounts;
        this.clock = clock;
    }

    @GetMapping("/admin/health")
    String health(Model model) {
        model.addAttribute("provider", generation.provider().wireValue());
        model.addAttribute("model", generation.openai().model());
        UpstreamChannels provider = channels.getIfAvailable();
        model.addAttribute("channelsAvailable", provider != null);
        model.addAttribute("channels", provider == null ? List.of() : provider.channels());
        model.addAttribute("traffic", provider == null ? List.of() : provider.traffic(TRAFFIC_WINDOW));
        StorageProvider storage = jobStorage.getIfAvailable();
        model.addAttribute("jobsAvailable", storage != null);
        if (storage != null) {
            model.addAttribute("jobStats", storage.getJobStats());
            model.addAttribute("jobServers", storage.getBackgroundJobServers());
            model.addAttribute("recurringJobs", storage.getRecurringJobs());
            model.addAttribute(
                    "failedJobs", storage.getJobList(StateName.FAILED, new AmountRequest("updatedAt:DESC", 10)));
        }
        model.addAttribute("integrity", integrityRuns.last().orElse(null));
        model.addAttribute("now", clock.instant());
        return "admin/health";
    }

    @PostMapping("/admin/health/integrity")
    String checkLedger(Member admin, RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/health", () -> {
            var report = operations.checkLedger(admin);
            return report.consistent()
                    ? "The ledger is consistent (" + report.workspaces() + " workspaces checked)."
                    : "The ledger has " + report.discrepancies().size() + " discrepancies: see below.";
        });
    }

    @PostMapping("/admin/health/channels/{name}")
    String channel(
            Member admin,
            @PathVariable String name,
            @RequestParam(defaultValue = "") String enabled,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/health", () -> {
            boolean on = Boolean.parseBoolean(enabled.strip());
            operations.setChannelEnabled(admin, name, on, reason);
            return "Channel " + name + (on ? " enabled." : " disabled.");
        });
    }

    /** A channel's page: its price table (what each call costs the operator), editable. */
    @GetMapping("/admin/health/channels/{name}")
    String channelPage(@PathVariable String name, Model model) {
        UpstreamChannels provider = channels.getIfAvailable();
        if (provider == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        List<UpstreamPrice> prices;
        try {
            prices = provider.prices(name);
        } catch (IllegalArgumentException unknown) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        model.addAttribute("channel", name);
        model.addAttribute("currency", provider.costCurrency());
        model.addAttribute("qualities", Quality.values());
        model.addAttribute(
                "priceRows",
                Arrays.stream(ImageSize.values())
                        .map(size -> new PriceRow(
                                size,
                                prices.stream()
                                        .filter(p -> p.size() == size)
                                        .map(p -> new PriceCellView(OperationsActions.priceField(p), p))
                                        .toList()))
                        .toList());
        return "admin/channel";
    }

    /** One size's row of a channel's price table. */
    record PriceRow(ImageSize size, List<PriceCellView> cells) {}

    /** One cell of it, with its form field. */
    record PriceCellView(String field, UpstreamPrice price) {}

    @PostMapping("/admin/health/channels/{name}/prices")
    String prices(
            Member admin,
            @PathVariable String name,
            @RequestParam Map<String, String> form,
            RedirectAttributes redirect) {
        String back = "/admin/health/channels/" + UriUtils.encodePathSegment(name, StandardCharsets.UTF_8);
        return AdminPagesController.act(redirect, back, () -> {
            int changed = operations.setChannelPrices(admin, name, form, form.get("reason"));
            return changed + " price" + (changed == 1 ? "" : "s") + " of channel " + name
                    + " changed; they apply from the next call.";
        });
    }

    @GetMapping("/admin/abuse")
    String abuse(@RequestParam(defaultValue = "") String ip, Model model) {
        model.addAttribute("policy", accounts.signupPolicy());
        model.addAttribute("allowances", accounts.signupAllowances());
        model.addAttribute("addresses", accounts.signupAddresses(clock.instant().minus(Duration.ofDays(7)), 50));
        String address = ip.strip();
        model.addAttribute("ip", address);
        model.addAttribute("fromAddress", address.isEmpty() ? List.of() : accounts.workspacesFromAddress(address, 200));
        return "admin/abuse";
    }

    @PostMapping("/admin/abuse/policy")
    String policy(
            Member admin,
            @RequestParam(defaultValue = "") String maxSignupsPerIpPerDay,
            @RequestParam(defaultValue = "") String deniedEmailDomains,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/abuse", () -> {
            signups.updateSignupPolicy(admin, maxSignupsPerIpPerDay, deniedEmailDomains, reason);
            return "Sign-up rules saved; they apply to the next sign-up.";
        });
    }

    @PostMapping("/admin/abuse/allowances")
    String allow(
            Member admin,
            @RequestParam(defaultValue = "") String network,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/abuse", () -> {
            String allowed = signups.allowSignupNetwork(admin, network, reason);
            return "Sign-ups from " + allowed + " are no longer limited per day.";
        });
    }

    @PostMapping("/admin/abuse/allowances/remove")
    String removeAllowance(
            Member admin,
            @RequestParam(defaultValue = "") String network,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes redirect) {
        return AdminPagesController.act(redirect, "/admin/abuse", () -> {
            String removed = signups.removeSignupAllowance(admin, network, reason);
            return "Sign-ups from " + removed + " are limited per day again.";
        });
    }
}
