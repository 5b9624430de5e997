package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EndUserIdsTests {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    void sameWorkspaceAndUserGiveTheSameIdAndAnythingElseAnother() {
        var ids = new EndUserIds(KEY);
        String id = ids.of("ws_a", "alice");
        assertThat(id).startsWith("ig-").hasSize(46).doesNotContain("alice", "ws_a");
        assertThat(new EndUserIds(KEY).of("ws_a", "alice")).isEqualTo(id);
        assertThat(ids.of("ws_b", "alice")).isNotEqualTo(id);
        assertThat(ids.of("ws_a", "bob")).isNotEqualTo(id);
        assertThat(ids.of("ws_a", null)).isEqualTo(ids.of("ws_a", "")).isNotEqualTo(id);
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertThat(new EndUserIds(other).of("ws_a", "alice")).as("keyed").isNotEqualTo(id);
        assertThatThrownBy(() -> new EndUserIds(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
