package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.webhook.WebhookDelivery;
import com.imagegate.webhook.WebhookProperties;
import com.imagegate.webhook.Webhooks;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Webhooks of the workspace: its deliveries and their attempts (every member), and rotating the signing secret
 * (owners and admins; the secret itself is shown on the API keys page). Another workspace's delivery is a 404.
 */
@Controller
class WebhooksController {

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Webhooks webhooks;
    private final WebhookProperties properties;

    WebhooksController(Webhooks webhooks, WebhookProperties properties) {
        this.webhooks = webhooks;
        this.properties = properties;
    }

    /** One delivery, ready to show. */
    record DeliveryRow(
            String id,
            String taskId,
            String url,
            String taskStatus,
            String status,
            int attempts,
            String lastAnswer,
            String nextRetry,
            String created) {}

    /** One attempt, ready to show. */
    record AttemptRow(int number, String at, String answer, String took, String error, String nextRetry) {}

    @GetMapping("/app/webhooks")
    String list(Member member, Model model) {
        model.addAttribute("member", member);
        model.addAttribute("maxAge", properties.maxAge().toHours() + " hours");
        model.addAttribute(
                "deliveries",
                webhooks.deliveries(member.workspace().id(), 100).stream()
                        .map(WebhooksController::row)
                        .toList());
        return "webhooks/list";
    }

    @GetMapping("/app/webhooks/{id}")
    String delivery(Member member, @PathVariable String id, Model model) {
        WebhookDelivery delivery = webhooks.delivery(member.workspace().id(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("member", member);
        model.addAttribute("delivery", row(delivery));
        model.addAttribute(
                "attempts",
                delivery.attemptLog().stream()
                        .map(a -> new AttemptRow(
                                a.number(),
                                WHEN.format(a.at()),
                                a.statusCode() == null ? "No answer" : "HTTP " + a.statusCode(),
                                a.durationMillis() + " ms",
                                a.error() == null ? "—" : a.error(),
                                when(a.nextRetryAt())))
                        .toList());
        return "webhooks/delivery";
    }

    @PostMapping("/app/keys/webhook-secret/rotate")
    String rotate(Member member, RedirectAttributes redirect) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        var secret = webhooks.rotate(member.workspace().id());
        redirect.addFlashAttribute(
                "noticeMessage",
                "The webhook secret was rotated."
                        + (secret.previousValidUntil() == null
                                ? ""
                                : " The previous one keeps signing beside it until "
                                        + WHEN.format(secret.previousValidUntil()) + "."));
        return "redirect:/app/keys";
    }

    private static DeliveryRow row(WebhookDelivery d) {
        return new DeliveryRow(
                d.id(),
                d.taskId(),
                d.url(),
                d.taskStatus().wireValue(),
                d.status(),
                d.attempts(),
                d.lastStatusCode() != null ? "HTTP " + d.lastStatusCode() : d.attempts() == 0 ? "—" : "No answer",
                when(d.nextRetryAt()),
                WHEN.format(d.createdAt()));
    }

    private static String when(Instant at) {
        return at == null ? "—" : WHEN.format(at);
    }
}
