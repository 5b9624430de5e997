package com.imagegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTests {

    @Test
    void idsArePrefixedAndOpaque() {
        assertThat(Ids.next("task")).matches("task_[0-9a-z]{24}");
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Ids.next("usr"))).isTrue();
        }
    }

    @Test
    void prefixMustBeShortLowercaseLetters() {
        assertThatIllegalArgumentException().isThrownBy(() -> Ids.next("Task"));
        assertThatIllegalArgumentException().isThrownBy(() -> Ids.next("task_"));
    }
}
