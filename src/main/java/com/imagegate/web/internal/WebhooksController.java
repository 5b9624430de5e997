package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.webhook.WebhookDelivery;
import com.imagegate.webhook.WebhookEndpoint;
import com.imagegate.webhook.WebhookEndpointException;
import com.imagegate.webhook.WebhookEventType;
import com.imagegate.webhook.WebhookProperties;
import com.imagegate.webhook.Webhooks;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Webhooks of the workspace: its endpoints and deliveries with their attempts, filterable per endpoint (every
 * member), and resending a delivery and rotating the signing secret (owners and admins, else 403; the secret itself
 * is shown on the API keys page). Another workspace's delivery or endpoint is a 404. Endpoint forms are in
 * {@link WebhookEndpointsController}.
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
            String messageId,
            String event,
            String endpointId,
            String resendOf,
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

    /** One endpoint, ready to show. */
    record EndpointRow(String id, String url, String description, String events, boolean enabled, String created) {}

    @GetMapping("/app/webhooks")
    String list(Member member, @RequestParam(required = false) String endpoint, Model model) {
        String workspaceId = member.workspace().id();
        List<WebhookDelivery> shown;
        if (endpoint == null || endpoint.isEmpty()) {
            shown = webhooks.deliveries(workspaceId, 100);
        } else {
            WebhookEndpoint filter = webhooks.endpoint(workspaceId, endpoint)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
            model.addAttribute("filter", endpointRow(filter));
            shown = webhooks.deliveries(workspaceId, endpoint, 100);
        }
        List<WebhookEndpoint> endpoints = webhooks.endpoints(workspaceId);
        model.addAttribute("member", member);
        model.addAttribute("canManage", member.canManageWorkspace());
        model.addAttribute("maxAge", properties.maxAge().toHours() + " hours");
        model.addAttribute("maxEndpoints", properties.maxEndpoints());
        model.addAttribute("canAdd", endpoints.size() < properties.maxEndpoints());
        model.addAttribute(
                "endpoints",
                endpoints.stream().map(WebhooksController::endpointRow).toList());
        model.addAttribute(
                "deliveries", shown.stream().map(WebhooksController::row).toList());
        return "webhooks/list";
    }

    static EndpointRow endpointRow(WebhookEndpoint e) {
        return new EndpointRow(
                e.id(),
                e.url(),
                e.description(),
                e.eventTypes().stream().map(WebhookEventType::wireValue).collect(Collectors.joining(", ")),
                e.enabled(),
                WHEN.format(e.createdAt()));
    }

    @GetMapping("/app/webhooks/{id}")
    String delivery(Member member, @PathVariable String id, Model model) {
        WebhookDelivery delivery = webhooks.delivery(member.workspace().id(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("member", member);
        model.addAttribute("canManage", member.canManageWorkspace());
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

    /**
     * Sends the delivery's message again as a new delivery (same {@code webhook-id}, attempts of its own) and shows
     * it; refused (its endpoint deleted or disabled) back on the delivery's page with the reason.
     */
    @PostMapping("/app/webhooks/{id}/resend")
    String resend(Member member, @PathVariable String id, RedirectAttributes redirect) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        try {
            WebhookDelivery again = webhooks.resend(member.workspace().id(), id)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
            redirect.addFlashAttribute(
                    "noticeMessage", "Resent as delivery " + again.id() + ", with the same webhook-id.");
            return "redirect:/app/webhooks/" + again.id();
        } catch (WebhookEndpointException refused) {
            redirect.addFlashAttribute("errorMessage", refused.getMessage());
            return "redirect:/app/webhooks/" + id;
        }
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
                d.messageId(),
                d.eventType() == null ? "callback" : d.eventType(),
                d.endpointId(),
                d.resendOf(),
                d.taskId(),
                d.url(),
                d.taskStatus() == null ? "—" : d.taskStatus().wireValue(),
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
