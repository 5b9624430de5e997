package com.imagegate.generation.upstream;

import com.imagegate.generation.ProtectionProperties;
import com.imagegate.generation.spi.PromptModeration;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The moderation pre-check on the upstream: one call to the channel the image calls would pick first (priority, then
 * weight; disabled and cooling channels skipped), no retries (the pre-check is on the request's path; an endpoint
 * that is down is the setting's business, {@code imagegate.protection.moderation.when-unavailable}).
 */
class UpstreamModeration implements PromptModeration {

    private final ProtectionProperties.Moderation settings;
    private final ChannelRegistry channels;
    private final OpenAiClient client;
    private final Clock clock;

    UpstreamModeration(
            ProtectionProperties.Moderation settings, ChannelRegistry channels, OpenAiClient client, Clock clock) {
        this.settings = settings;
        this.channels = channels;
        this.client = client;
        this.clock = clock;
    }

    @Override
    public Verdict check(String prompt) {
        var choice = channels.choose(Map.of(), clock.instant(), ThreadLocalRandom.current());
        if (choice.channel() == null) {
            return new Verdict.Unavailable("no channel in service");
        }
        return client.moderate(choice.channel(), settings.model(), prompt, settings.timeout());
    }
}
