package com.imagegate.testsupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A JobRunr job for tests: records that it ran. Import it into a test context with {@code @Import}. */
public class ProbeJob {

    private static final Set<String> RAN = ConcurrentHashMap.newKeySet();

    public void run(String token) {
        RAN.add(token);
    }

    public static boolean ran(String token) {
        return RAN.contains(token);
    }
}
