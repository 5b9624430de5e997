package com.imagegate.admin.internal;

import com.imagegate.generation.ChannelHealth;
import com.imagegate.generation.UpstreamChannels;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Component;

/** The generation module's upstream channels as the admin console shows them. */
@Component
class UpstreamChannelsAdapter implements ProviderChannels {

    private final UpstreamChannels upstream;

    UpstreamChannelsAdapter(UpstreamChannels upstream) {
        this.upstream = upstream;
    }

    @Override
    public List<Channel> channels() {
        return upstream.channels().stream()
                .map(UpstreamChannelsAdapter::channel)
                .toList();
    }

    @Override
    public Channel setEnabled(String name, boolean enabled) {
        try {
            return channel(upstream.setEnabled(name, enabled));
        } catch (IllegalArgumentException unknown) {
            throw new AdminException("There is no channel " + name + ".");
        }
    }

    @Override
    public List<Attempt> attempts(String taskId) {
        return upstream.attempts(taskId).stream()
                .map(a -> new Attempt(
                        a.part(),
                        a.attempt(),
                        a.channel(),
                        a.endpoint(),
                        a.statusCode(),
                        a.errorCode(),
                        a.images(),
                        a.startedAt(),
                        a.duration()))
                .toList();
    }

    @Override
    public List<Traffic> traffic(Duration window) {
        return upstream.traffic(window).stream()
                .map(t -> new Traffic(
                        t.name(), t.calls(), t.successes(), t.successRate(), t.latencyP50(), t.latencyP95()))
                .toList();
    }

    private static Channel channel(ChannelHealth health) {
        long calls = health.successes() + health.failures();
        return new Channel(
                health.name(),
                health.baseUrl() == null ? null : health.baseUrl().toString(),
                health.model(),
                health.state().name(),
                health.successes(),
                health.failures(),
                calls == 0 ? null : (double) health.successes() / calls,
                health.latencyP50(),
                health.latencyP95(),
                health.cooledDownUntil(),
                health.lastError());
    }
}
