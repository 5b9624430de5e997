package com.imagegate.generation.upstream;

import com.imagegate.generation.GenerationProperties;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.ProviderAttempt;
import com.imagegate.generation.spi.GeneratedImage;
import com.imagegate.generation.spi.ImageProvider;
import com.imagegate.generation.spi.ImageRequest;
import com.imagegate.generation.spi.PartialImages;
import com.imagegate.generation.spi.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@code openai} provider: an OpenAI-compatible Images API behind one or more channels. A task of n images is split
 * into calls of at most {@code max-images-per-call} images, run side by side; each call is retried (429, 5xx,
 * timeouts, connection failures, malformed answers, unusable images) with exponential backoff that honours {@code
 * retry-after-ms}/{@code retry-after}, possibly on another channel, until it succeeds, {@code max-attempts} is used
 * up or the task's {@code deadline} passes. A moderation block or another 4xx ends the call at once. The task fails
 * only when every call failed; otherwise it delivers what the successful calls made (and is charged for that).
 */
public class OpenAiProvider implements ImageProvider {

    private static final Logger log = LoggerFactory.getLogger(OpenAiProvider.class);

    private final GenerationProperties.OpenAi settings;
    private final ChannelRegistry channels;
    private final OpenAiClient client;
    private final AttemptLog attempts;
    private final PriceBook prices;
    private final String currency;
    private final Clock clock;

    /**
     * @param prices each channel's price per image, read when a call starts
     * @param currency the operator's cost currency, recorded with each call's cost
     */
    public OpenAiProvider(
            GenerationProperties.OpenAi settings,
            ChannelRegistry channels,
            OpenAiClient client,
            AttemptLog attempts,
            PriceBook prices,
            String currency,
            Clock clock) {
        this.settings = settings;
        this.channels = channels;
        this.client = client;
        this.attempts = attempts;
        this.prices = prices;
        this.currency = currency;
        this.clock = clock;
    }

    @Override
    public GenerationProperties.Provider name() {
        return GenerationProperties.Provider.OPENAI;
    }

    @Override
    public List<GeneratedImage> generate(ImageRequest request) {
        return generate(request, PartialImages.NONE);
    }

    /**
     * With partial images asked, the first upstream call streams ({@code stream: true}, {@code partial_images}) and
     * hands each partial on as it arrives; the others (n split over several calls) do not.
     */
    @Override
    public List<GeneratedImage> generate(ImageRequest request, PartialImages partials) {
        Instant deadline = clock.instant().plus(settings.deadline());
        String prompt =
                request.prompt() == null || request.prompt().isBlank() ? settings.editPrompt() : request.prompt();
        List<UpstreamCall> calls = new ArrayList<>();
        for (int left = request.n(); left > 0; left -= settings.maxImagesPerCall()) {
            calls.add(new UpstreamCall(
                    request.model(),
                    prompt,
                    request.references(),
                    Math.min(left, settings.maxImagesPerCall()),
                    request.size(),
                    request.quality(),
                    request.format(),
                    request.user(),
                    request.mask(),
                    calls.isEmpty() ? partials : PartialImages.NONE));
        }
        if (calls.size() == 1) {
            return call(request.taskId(), 0, calls.getFirst(), deadline);
        }
        return callAll(request.taskId(), calls, deadline);
    }

    /** An edit of the one source image with the configured enhancement prompt; the upstream picks the size. */
    @Override
    public GeneratedImage enhance(ImageRequest request) {
        var call = new UpstreamCall(
                request.model(),
                settings.enhancementPrompt(),
                List.of(request.references().getFirst()),
                1,
                ImageSize.AUTO,
                request.quality(),
                request.format(),
                request.user(),
                null);
        return call(request.taskId(), 0, call, clock.instant().plus(settings.deadline()))
                .getFirst();
    }

    /** The calls side by side (virtual threads); the images of those that succeeded, or the worst failure. */
    private List<GeneratedImage> callAll(String taskId, List<UpstreamCall> calls, Instant deadline) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        List<GeneratedImage> made = new ArrayList<>();
        List<ProviderException> failures = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<GeneratedImage>>> parts = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                int part = i;
                parts.add(executor.submit(() -> {
                    if (context != null) {
                        MDC.setContextMap(context);
                    }
                    return call(taskId, part, calls.get(part), deadline);
                }));
            }
            for (Future<List<GeneratedImage>> part : parts) {
                try {
                    made.addAll(part.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof ProviderException failure) {
                        failures.add(failure);
                    } else {
                        throw new IllegalStateException("An upstream call failed unexpectedly", e.getCause());
                    }
                } catch (InterruptedException e) {
                    // Stop the other calls now rather than wait for them when the executor closes.
                    executor.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new ProviderException("generation_interrupted", "Rendering was interrupted.", true);
                }
            }
        }
        if (made.isEmpty()) {
            // The request's own fault (a moderation block, a rejected request) says more than running out of retries.
            throw failures.stream().filter(f -> !f.retryable()).findFirst().orElse(failures.getFirst());
        }
        if (!failures.isEmpty()) {
            log.info(
                    "Task {} delivers {} of its images: {} of {} upstream calls failed (first: {})",
                    taskId,
                    made.size(),
                    failures.size(),
                    calls.size(),
                    failures.getFirst().code());
        }
        return made;
    }

    /** One call, with its retries. */
    private List<GeneratedImage> call(String taskId, int part, UpstreamCall call, Instant deadline) {
        Map<String, Instant> notBefore = new HashMap<>();
        Map<String, Integer> failuresOn = new HashMap<>();
        Failure last = null;
        int attempt = 0;
        while (attempt < settings.maxAttempts()) {
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                throw exhausted(last, attempt, true);
            }
            var choice = channels.choose(notBefore, now, ThreadLocalRandom.current());
            if (choice.noneEnabled()) {
                throw last == null
                        ? new ProviderException(
                                "upstream_unavailable", "No image service channel is in service right now.", true)
                        : exhausted(last, attempt, false);
            }
            if (choice.channel() == null) {
                if (choice.readyAt().isAfter(deadline)) {
                    throw exhausted(last, attempt, true);
                }
                sleep(Duration.between(now, choice.readyAt()));
                continue;
            }
            attempt++;
            var channel = choice.channel();
            Duration timeout = min(settings.readTimeout(), Duration.between(now, deadline));
            // The price in force when the call starts is the one it is recorded at.
            long perImage = priceOf(channel.name(), call);
            Instant started = clock.instant();
            long start = System.nanoTime();
            var outcome = client.call(channel, call, timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (outcome instanceof OpenAiClient.Delivered delivered) {
                channels.succeeded(channel.name(), took);
                attempts.record(new ProviderAttempt(
                        taskId,
                        part,
                        attempt,
                        channel.name(),
                        call.endpoint(),
                        delivered.statusCode(),
                        null,
                        delivered.images().size(),
                        started,
                        took,
                        delivered.images().size(),
                        perImage * delivered.images().size(),
                        currency));
                log.info(
                        "Upstream {} {} delivered {} image(s) in {} ms (part {}, attempt {})",
                        channel.name(),
                        call.endpoint(),
                        delivered.images().size(),
                        took.toMillis(),
                        part,
                        attempt);
                return delivered.images();
            }
            Failure failure = ((OpenAiClient.Failed) outcome).failure();
            channels.failed(channel.name(), failure);
            attempts.record(new ProviderAttempt(
                    taskId,
                    part,
                    attempt,
                    channel.name(),
                    call.endpoint(),
                    failure.statusCode(),
                    failure.code(),
                    0,
                    started,
                    took,
                    failure.billedImages(call.n()),
                    perImage * failure.billedImages(call.n()),
                    currency));
            log.warn(
                    "Upstream {} {} failed: {} after {} ms (part {}, attempt {}/{})",
                    channel.name(),
                    call.endpoint(),
                    failure.describe(),
                    took.toMillis(),
                    part,
                    attempt,
                    settings.maxAttempts());
            if (!failure.retryable()) {
                throw failure.toTaskError();
            }
            last = failure;
            int failedHere = failuresOn.merge(channel.name(), 1, Integer::sum);
            Duration wait = backoff(failedHere);
            if (failure.retryAfter() != null && failure.retryAfter().compareTo(wait) > 0) {
                wait = failure.retryAfter();
            }
            notBefore.put(channel.name(), clock.instant().plus(wait));
        }
        throw exhausted(last, attempt, false);
    }

    /** The channel's price per image for this call's size and quality; a failed read costs the default, never the call. */
    private long priceOf(String channel, UpstreamCall call) {
        try {
            return prices.perImage(channel, call.size(), call.quality());
        } catch (RuntimeException e) {
            log.warn("Could not read the price of channel {}, recording the default: {}", channel, e.toString());
            return PriceBook.defaultPrice(call.size(), call.quality());
        }
    }

    /** {@code initial-backoff × 2^(k-1)}, capped at {@code max-backoff}, with jitter in its upper half. */
    Duration backoff(int failures) {
        long initial = settings.initialBackoff().toMillis();
        long capped =
                Math.min(settings.maxBackoff().toMillis(), initial * (1L << Math.min(20, Math.max(0, failures - 1))));
        long half = capped / 2;
        return Duration.ofMillis(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }

    private static ProviderException exhausted(Failure last, int attempts, boolean deadlineReached) {
        if (last == null) {
            return new ProviderException(
                    "upstream_unavailable",
                    "No image service channel was available within the task's time limit. Try again later.",
                    true);
        }
        if (deadlineReached || last.kind() == Failure.Kind.TIMEOUT) {
            return new ProviderException(
                    "upstream_timeout",
                    "The image service did not deliver within the task's time limit (" + attempts + " attempt"
                            + (attempts == 1 ? "" : "s") + "; last: " + last.describe() + "). Try again later.",
                    true);
        }
        return new ProviderException(
                "upstream_unavailable",
                "The image service failed " + attempts + " time" + (attempts == 1 ? "" : "s") + " (last: "
                        + last.describe() + "). Try again later.",
                true);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("generation_interrupted", "Rendering was interrupted.", true);
        }
    }
}
