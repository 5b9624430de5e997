package com.imagegate.credits.internal;

/** One lot's share of an entry: the signed change of the lot's available and held credits. */
record Allocation(String lotId, long amount, long held) {}
