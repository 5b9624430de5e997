package com.imagegate.web.internal;

import com.imagegate.account.Member;
import com.imagegate.webhook.EndpointRequest;
import com.imagegate.webhook.WebhookEndpoint;
import com.imagegate.webhook.WebhookEndpointException;
import com.imagegate.webhook.WebhookEventType;
import com.imagegate.webhook.Webhooks;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Adding, editing (including enabling and disabling) and deleting the workspace's webhook endpoints: owners and admins
 * only (403 for members, as for API keys); another workspace's endpoint is a 404. A refused form is shown again with
 * its error (422) and nothing is written.
 */
@Controller
@RequestMapping("/app/webhooks/endpoints")
class WebhookEndpointsController {

    private final Webhooks webhooks;

    WebhookEndpointsController(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** The form as typed (echoed back after an error), or as saved. */
    record EndpointForm(String url, String description, Set<String> eventTypes, boolean enabled) {
        static final EndpointForm EMPTY = new EndpointForm("", "", Set.of(), true);

        static EndpointForm of(WebhookEndpoint e) {
            return new EndpointForm(
                    e.url(),
                    e.description(),
                    e.eventTypes().stream().map(WebhookEventType::wireValue).collect(Collectors.toSet()),
                    e.enabled());
        }
    }

    /** One checkbox. */
    record EventChoice(String value, String description) {}

    @GetMapping("/new")
    String add(Member member, Model model) {
        requireManager(member);
        return form(member, model, null, EndpointForm.EMPTY);
    }

    @PostMapping
    String create(
            Member member,
            @RequestParam(defaultValue = "") String url,
            @RequestParam(defaultValue = "") String description,
            @RequestParam(required = false) List<String> eventTypes,
            @RequestParam(defaultValue = "false") boolean enabled,
            Model model,
            HttpServletResponse response,
            RedirectAttributes redirect) {
        requireManager(member);
        var request = new EndpointRequest(url, description, eventTypes, enabled);
        try {
            WebhookEndpoint created = webhooks.createEndpoint(member.workspace().id(), request);
            redirect.addFlashAttribute("noticeMessage", "Added the endpoint " + created.url() + ".");
            return "redirect:/app/webhooks";
        } catch (WebhookEndpointException refused) {
            return refused(member, model, response, null, request, refused);
        }
    }

    @GetMapping("/{id}")
    String edit(Member member, @PathVariable String id, Model model) {
        requireManager(member);
        WebhookEndpoint endpoint = webhooks.endpoint(member.workspace().id(), id)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        return form(member, model, endpoint.id(), EndpointForm.of(endpoint));
    }

    @PostMapping("/{id}")
    String update(
            Member member,
            @PathVariable String id,
            @RequestParam(defaultValue = "") String url,
            @RequestParam(defaultValue = "") String description,
            @RequestParam(required = false) List<String> eventTypes,
            @RequestParam(defaultValue = "false") boolean enabled,
            Model model,
            HttpServletResponse response,
            RedirectAttributes redirect) {
        requireManager(member);
        String workspaceId = member.workspace().id();
        if (webhooks.endpoint(workspaceId, id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        var request = new EndpointRequest(url, description, eventTypes, enabled);
        try {
            WebhookEndpoint saved = webhooks.updateEndpoint(workspaceId, id, request)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
            redirect.addFlashAttribute(
                    "noticeMessage",
                    "Saved the endpoint " + saved.url()
                            + (saved.enabled() ? "." : " (disabled: it receives nothing)."));
            return "redirect:/app/webhooks";
        } catch (WebhookEndpointException refused) {
            return refused(member, model, response, id, request, refused);
        }
    }

    @PostMapping("/{id}/delete")
    String delete(Member member, @PathVariable String id, RedirectAttributes redirect) {
        requireManager(member);
        if (!webhooks.deleteEndpoint(member.workspace().id(), id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        redirect.addFlashAttribute(
                "noticeMessage", "Deleted the endpoint. Its deliveries stay in the log; pending retries end unsent.");
        return "redirect:/app/webhooks";
    }

    private String refused(
            Member member,
            Model model,
            HttpServletResponse response,
            String id,
            EndpointRequest request,
            WebhookEndpointException refused) {
        response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
        model.addAttribute("errorField", refused.field());
        model.addAttribute("errorMessage", refused.getMessage());
        var echoed = new EndpointForm(
                echo(request.url(), 2100),
                echo(request.description(), 300),
                request.eventTypes().stream()
                        .filter(t -> WebhookEventType.fromWire(t).isPresent())
                        .collect(Collectors.toSet()),
                request.enabled());
        return form(member, model, id, echoed);
    }

    private static String echo(String value, int max) {
        return value == null ? "" : value.length() > max ? value.substring(0, max) : value;
    }

    private String form(Member member, Model model, String id, EndpointForm form) {
        model.addAttribute("member", member);
        model.addAttribute("endpointId", id);
        model.addAttribute("form", form);
        model.addAttribute(
                "choices",
                Arrays.stream(WebhookEventType.values())
                        .map(t -> new EventChoice(t.wireValue(), t.description()))
                        .toList());
        return "webhooks/endpoint";
    }

    private static void requireManager(Member member) {
        if (!member.canManageWorkspace()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
    }
}
