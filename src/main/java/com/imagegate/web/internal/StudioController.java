package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.account.Member;
import com.imagegate.api.CreationRateLimit;
import com.imagegate.billing.CurrentPlan;
import com.imagegate.billing.Plans;
import com.imagegate.generation.Caller;
import com.imagegate.generation.EnhancementRequest;
import com.imagegate.generation.GenerationException;
import com.imagegate.generation.Generations;
import com.imagegate.generation.ImageInput;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.InvalidRequestException;
import com.imagegate.generation.OutputFormat;
import com.imagegate.generation.Pricing;
import com.imagegate.generation.TaskQuery;
import com.imagegate.generation.TaskSource;
import com.imagegate.generation.TaskView;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.thymeleaf.context.LazyContextVariable;

/**
 * The studio: generate in the browser with the workspace's credits, through the same generation path as the API.
 * Task cards are fragments of the same template that poll themselves until the task ends.
 */
@Controller
class StudioController {

    private final Generations generations;
    private final Pricing pricing;
    private final Plans plans;
    private final CreationRateLimit rateLimit;
    private final ImagegateProperties properties;

    StudioController(
            Generations generations,
            Pricing pricing,
            Plans plans,
            CreationRateLimit rateLimit,
            ImagegateProperties properties) {
        this.generations = generations;
        this.pricing = pricing;
        this.plans = plans;
        this.rateLimit = rateLimit;
        this.properties = properties;
    }

    /**
     * Every studio view (page and fragments) shows links and prices the same way. The enhancement's price is the
     * workspace's (under its custom price multiplier), read only when a view shows it: a polling card does not.
     */
    @ModelAttribute
    void common(Member member, Model model) {
        model.addAttribute("files", new Files(properties.baseUrlString()));
        model.addAttribute("enhancementCredits", new LazyContextVariable<Long>() {
            @Override
            protected Long loadValue() {
                return pricing.enhancementCredits(
                        plans.current(member.workspace().id()).custom().priceMultiplier());
            }
        });
    }

    @GetMapping("/app/studio")
    String studio(Member member, @RequestParam(defaultValue = "") String reference, Model model) {
        model.addAttribute("member", member);
        var plan = plans.current(member.workspace().id());
        model.addAttribute("plan", plan);
        model.addAttribute(
                "sizes",
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList());
        // The workspace's prices (its custom price multiplier applied): the cost shown is what a task reserves.
        model.addAttribute(
                "pricesJson",
                Arrays.stream(ImageSize.values())
                        .map(s -> "\"" + s.wireValue() + "\":"
                                + pricing.creditsPerImage(s, plan.custom().priceMultiplier()))
                        .collect(Collectors.joining(",", "{", "}")));
        model.addAttribute(
                "defaultCost",
                pricing.creditsPerImage(ImageSize.SQUARE_1024, plan.custom().priceMultiplier()));
        // "Use as reference" without JavaScript arrives here as ?reference=task_…:0.
        model.addAttribute(
                "preselected",
                ResultRef.parse(reference).map(ResultRef::value).stream().toList());
        model.addAttribute(
                "tasks",
                generations
                        .list(member.workspace().id(), new TaskQuery(null, 12, null, null, null, null))
                        .tasks());
        model.addAttribute("files", new Files(properties.baseUrlString()));
        return "studio/studio";
    }

    @PostMapping("/app/studio")
    String generate(
            Member member,
            StudioForm form,
            @RequestParam(name = "references", required = false) List<MultipartFile> uploads,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        if (htmx == null) {
            model.addAttribute("plainForm", true);
        }
        if (member.workspace().suspended()) {
            return refuse(member, model, response, SUSPENDED);
        }
        var n = form.count();
        if (n.isEmpty()) {
            return refuse(member, model, response, "Choose how many images: 1 to 10.");
        }
        var plan = plans.current(member.workspace().id());
        var overLimit = rateLimited(member, plan);
        if (overLimit != null) {
            return refuse(member, model, response, overLimit);
        }
        List<ImageInput> inputs = new ArrayList<>();
        try {
            for (MultipartFile upload : uploads == null ? List.<MultipartFile>of() : uploads) {
                if (!upload.isEmpty()) {
                    inputs.add(ImageInput.upload(upload.getBytes()));
                }
            }
            inputs.addAll(form.results());
            var task = generations.accept(caller(member, plan), form.request(n.get(), inputs));
            return card(model, task);
        } catch (InvalidRequestException invalid) {
            return refuse(
                    member,
                    model,
                    response,
                    invalid.named(StudioForm.names(inputs.size())).getMessage());
        } catch (GenerationException refused) {
            return refused(member, model, response, refused);
        } catch (IOException unreadable) {
            return refuse(member, model, response, "An uploaded file could not be read; try again.");
        }
    }

    @PostMapping("/app/studio/enhance")
    String enhance(
            Member member,
            @RequestParam(defaultValue = "") String result,
            @RequestParam(name = "image", required = false) MultipartFile upload,
            @RequestParam(name = "output_format", defaultValue = "png") String format,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        if (htmx == null) {
            model.addAttribute("plainForm", true);
        }
        if (member.workspace().suspended()) {
            return refuse(member, model, response, SUSPENDED);
        }
        var plan = plans.current(member.workspace().id());
        var overLimit = rateLimited(member, plan);
        if (overLimit != null) {
            return refuse(member, model, response, overLimit);
        }
        try {
            ImageInput input;
            if (upload != null && !upload.isEmpty()) {
                input = ImageInput.upload(upload.getBytes());
            } else {
                var ref = ResultRef.parse(result);
                if (ref.isEmpty()) {
                    return refuse(member, model, response, "Choose an image to enhance.");
                }
                input = ImageInput.result(ref.get().taskId(), ref.get().index());
            }
            OutputFormat outputFormat = OutputFormat.parse(format).orElse(OutputFormat.PNG);
            var request = EnhancementRequest.of(input).withFormat(outputFormat);
            return card(model, generations.enhance(caller(member, plan), request));
        } catch (InvalidRequestException invalid) {
            return refuse(
                    member, model, response, invalid.named(StudioForm.names(1)).getMessage());
        } catch (GenerationException refused) {
            return refused(member, model, response, refused);
        } catch (IOException unreadable) {
            return refuse(member, model, response, "The uploaded file could not be read; try again.");
        }
    }

    static final String SUSPENDED = "This workspace is suspended, so it cannot generate images (its API keys are"
            + " refused too). Contact support to restore access.";

    /**
     * Counts the creation in the workspace's creation window, the one the API and the drop-in count in (so the
     * workspace's requests per minute, its plan's or its custom limit, hold across all three); the refusal's message
     * when the window is spent, else null.
     */
    private String rateLimited(Member member, CurrentPlan plan) {
        var window = rateLimit.count(member.workspace().id(), plan.requestsPerMinute());
        if (window.allowed()) {
            return null;
        }
        long seconds = Math.max(1, (window.reset().toMillis() + 999) / 1000);
        return "Rate limit reached: " + window.limit() + " task creations per minute "
                + (plan.customRequestsPerMinute() ? "(this workspace's custom limit)" : "on your plan")
                + ", counted with your API requests. Try again in " + seconds + " s.";
    }

    /** The signed-in member as a caller, under the workspace's limits and price multiplier in effect now. */
    private Caller caller(Member member, CurrentPlan plan) {
        return new Caller(
                member.workspace().id(),
                null,
                null,
                null,
                false,
                TaskSource.WEB,
                "user:" + member.userId(),
                MDC.get("requestId"),
                plan.concurrentTasks(),
                null,
                plan.custom().priceMultiplier());
    }

    /** The new card for htmx; a plain form post goes back to the studio page, where the card is listed. */
    private String card(Model model, TaskView task) {
        if (model.containsAttribute("plainForm")) {
            return "redirect:/app/studio#task-" + task.id();
        }
        model.addAttribute("task", task);
        model.addAttribute("files", new Files(properties.baseUrlString()));
        return "studio/studio :: card";
    }

    private String refused(Member member, Model model, HttpServletResponse response, GenerationException refused) {
        if (refused.reason() == GenerationException.Reason.INSUFFICIENT_QUOTA) {
            model.addAttribute("buyCredits", true);
        }
        return refuse(member, model, response, refused.getMessage());
    }

    /** A card refreshing itself (htmx); opened as a page it is the studio, scrolled to that card. */
    @GetMapping("/app/studio/tasks/{id}")
    String card(
            Member member,
            @PathVariable String id,
            @RequestHeader(name = "HX-Request", required = false) String htmx,
            Model model,
            HttpServletResponse response) {
        try {
            var task = generations.get(member.workspace().id(), id);
            if (htmx == null) {
                return "redirect:/app/studio#task-" + task.id();
            }
            model.addAttribute("task", task);
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
    private String refuse(Member member, Model model, HttpServletResponse response, String message) {
        if (model.containsAttribute("plainForm")) {
            // Without JavaScript: the whole page again, with the message above the form.
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("errorMessage", message);
            return studio(member, "", model);
        }
        response.setHeader("HX-Retarget", "#problems");
        response.setHeader("HX-Reswap", "innerHTML");
        model.addAttribute("errorMessage", message);
        return "studio/studio :: problem";
    }

    /** One of the workspace's results named in a form as {@code task_…:index}. */
    record ResultRef(String taskId, int index) {

        static Optional<ResultRef> parse(String value) {
            int colon = value == null ? -1 : value.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            try {
                int index = Integer.parseInt(value.substring(colon + 1));
                return index < 0 ? Optional.empty() : Optional.of(new ResultRef(value.substring(0, colon), index));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        String value() {
            return taskId + ":" + index;
        }
    }

    /** Image links for the browser: same-origin paths, so they work whatever host the page was opened on. */
    record Files(String baseUrl) {
        public String path(TaskView.Image image) {
            return path(image.url());
        }

        public String path(String url) {
            return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
        }
    }
}
