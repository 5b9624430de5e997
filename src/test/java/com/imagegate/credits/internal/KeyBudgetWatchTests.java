package com.imagegate.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The 80% / 100% rule's arithmetic: "reached" is spent ≥ level% of the budget, rounded up, without overflow. */
class KeyBudgetWatchTests {

    @Test
    void eightyPercentIsReachedAtTheFirstWholeCreditAtOrAboveIt() {
        assertThat(KeyBudgetWatch.reached(50, 39, 80)).isFalse();
        assertThat(KeyBudgetWatch.reached(50, 40, 80)).isTrue();
        // 80% of 7 is 5.6: 5 is below, 6 reaches it
        assertThat(KeyBudgetWatch.reached(7, 5, 80)).isFalse();
        assertThat(KeyBudgetWatch.reached(7, 6, 80)).isTrue();
        assertThat(KeyBudgetWatch.reached(1, 0, 80)).isFalse();
        assertThat(KeyBudgetWatch.reached(1, 1, 80)).isTrue();
    }

    @Test
    void hundredPercentIsTheWholeBudget() {
        assertThat(KeyBudgetWatch.reached(50, 49, 100)).isFalse();
        assertThat(KeyBudgetWatch.reached(50, 50, 100)).isTrue();
        assertThat(KeyBudgetWatch.reached(101, 100, 100)).isFalse();
    }

    @Test
    void hugeBudgetsDoNotOverflow() {
        long budget = Long.MAX_VALUE;
        assertThat(KeyBudgetWatch.reached(budget, budget, 100)).isTrue();
        assertThat(KeyBudgetWatch.reached(budget, budget - 1, 100)).isFalse();
        assertThat(KeyBudgetWatch.reached(budget, 7_378_697_629_483_820_645L, 80))
                .isFalse(); // ceil(0.8 * max) - 1
        assertThat(KeyBudgetWatch.reached(budget, 7_378_697_629_483_820_646L, 80))
                .isTrue();
    }
}
