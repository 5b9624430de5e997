package com.imagegate.credits;

import java.util.List;

/**
 * A workspace's credits now.
 *
 * @param spendable what a reserve may take: the unexpired lots' available credits
 * @param reserved held by open reservations
 * @param lots the lots that still hold credits (available and unexpired, or reserved), the one spent next first
 */
public record Balance(String workspaceId, long spendable, long reserved, List<LotBalance> lots) {

    public Balance {
        lots = List.copyOf(lots);
    }
}
