package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.billing.Plans;
import com.imagegate.generation.Caller;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.GenerationRequests;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.Pricing;
import com.imagegate.generation.TaskQuery;
import com.imagegate.generation.TaskView;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The studio: generate in the browser with the workspace's credits, through the same generation path as the API.
 * Task cards are fragments of the same template that poll themselves until the task ends.
 */
@Controller
class StudioController {

    private final Generations generations;
    private final Pricing pricing;
    private final Plans plans;
    private final ImagegateProperties properties;

    StudioController(Generations generations, Pricing pricing, Plans plans, ImagegateProperties properties) {
        this.generations = generations;
        this.pricing = pricing;
        this.plans = plans;
        this.properties = properties;
    }

    @GetMapping("/app/studio")
    String studio(Member member, Model model) {
        model.addAttribute("member", member);
        model.addAttribute(
                "sizes",
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList());
        model.addAttribute(
                "pricesJson",
                Arrays.stream(ImageSize.values())
                        .map(s -> "\"" + s.wireValue() + "\":" + pricing.creditsPerImage(s))
                        .collect(Collectors.joining(",", "{", "}")));
        model.addAttribute(
                "tasks",
                generations
                        .list(member.workspace().id(), new TaskQuery(null, 12, null, null, null, null))
                        .tasks());
        model.addAttribute("files", new Files(properties.baseUrlString()));
        return "studio/studio";
    }

    @PostMapping("/app/studio")
    String generate(Member member, @RequestParam Map<String, String> form, Model model, HttpServletResponse response) {
        ObjectNode body = JsonMapper.shared().createObjectNode();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : new String[] {"prompt", "size", "quality", "output_format"}) {
            String value = form.getOrDefault(field, "");
            if (!value.isBlank()) {
                fields.put(field, value);
                body.put(field, value);
            }
        }
        try {
            body.put("n", Integer.parseInt(form.getOrDefault("n", "1").strip()));
        } catch (NumberFormatException e) {
            return refuse(model, response, "Choose how many images: 1 to 10.");
        }
        try {
            var task = generations.accept(
                    new Caller(
                            member.workspace().id(),
                            null,
                            null,
                            false,
                            "web",
                            "user:" + member.userId(),
                            org.slf4j.MDC.get("requestId"),
                            plans.current(member.workspace().id()).concurrentTasks()),
                    GenerationRequests.parse(body),
                    null,
                    null);
            model.addAttribute("task", task);
            model.addAttribute("files", new Files(properties.baseUrlString()));
            return "studio/studio :: card";
        } catch (InvalidRequestException invalid) {
            return refuse(model, response, invalid.getMessage());
        } catch (GenerationException refused) {
            return refuse(model, response, refused.getMessage());
        }
    }

    @GetMapping("/app/studio/tasks/{id}")
    String card(Member member, @PathVariable String id, Model model, HttpServletResponse response) {
        try {
            model.addAttribute("task", generations.get(member.workspace().id(), id));
            model.addAttribute("files", new Files(properties.baseUrlString()));
            return "studio/studio :: card";
        } catch (GenerationException notFound) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            model.addAttribute("errorMessage", "No such task in this workspace.");
            return "studio/studio :: problem";
        }
    }

    /**
     * A refusal goes into the page's message area: htmx is told so by {@code HX-Retarget} (htmx swaps no 4xx answer,
     * so the htmx answer is a 200 carrying the message; nothing was created either way).
     */
    private static String refuse(Model model, HttpServletResponse response, String message) {
        response.setHeader("HX-Retarget", "#problems");
        response.setHeader("HX-Reswap", "innerHTML");
        model.addAttribute("errorMessage", message);
        return "studio/studio :: problem";
    }

    /** Image links for the browser: same-origin paths, so they work whatever host the page was opened on. */
    record Files(String baseUrl) {
        public String path(TaskView.Image image) {
            return image.url().startsWith(baseUrl) ? image.url().substring(baseUrl.length()) : image.url();
        }
    }
}
