package com.imagegate.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DenylistPhrasesTests {

    @Test
    void phrasesMatchWholeWordsInAnyCaseSpacingAndPunctuation() {
        var phrases = List.of(DenylistPhrases.phrase("Blue  Whale"), DenylistPhrases.phrase("kill*"));
        assertThat(phrases).containsExactly("blue whale", "kill*");
        assertThat(DenylistPhrases.matches("A BLUE-whale, at dawn", phrases)).isTrue();
        assertThat(DenylistPhrases.matches("blue\n\twhale", phrases)).isTrue();
        assertThat(DenylistPhrases.matches("Killing time", phrases)).isTrue();
        assertThat(DenylistPhrases.matches("ＢＬＵＥ ｗｈａｌｅ", phrases))
                .as("NFKC folds full-width")
                .isTrue();
        assertThat(DenylistPhrases.matches("blue whales", phrases))
                .as("whole words")
                .isFalse();
        assertThat(DenylistPhrases.matches("a skill tree", phrases))
                .as("prefix of a word, not inside")
                .isFalse();
        assertThat(DenylistPhrases.matches("blue sky, whale", phrases)).isFalse();
        assertThat(DenylistPhrases.matches("anything", List.of())).isFalse();
    }

    @Test
    void badPhrasesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> DenylistPhrases.phrase("  ")).hasMessageContaining("at least one letter");
        assertThatThrownBy(() -> DenylistPhrases.phrase("--- !!")).hasMessageContaining("at least one letter");
        assertThatThrownBy(() -> DenylistPhrases.phrase("ki*ll")).hasMessageContaining("may only end");
        assertThatThrownBy(() -> DenylistPhrases.phrase("ab*")).hasMessageContaining("at least 3 letters");
        assertThatThrownBy(() -> DenylistPhrases.phrase("x".repeat(201))).hasMessageContaining("under 200");
    }

    @Test
    void matchingAHugePromptAgainstAFullListStaysFast() {
        List<String> phrases = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            phrases.add(DenylistPhrases.phrase("a".repeat(150) + " bb" + i + "*"));
        }
        String prompt = "a ".repeat(16_000);
        long start = System.nanoTime();
        assertThat(DenylistPhrases.matches(prompt, phrases)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
