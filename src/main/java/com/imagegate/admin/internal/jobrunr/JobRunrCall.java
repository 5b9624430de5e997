package com.imagegate.admin.internal.jobrunr;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jobrunr.storage.StorageProvider;

/**
 * A change asked of JobRunr's dashboard API, as the audit log names it.
 *
 * @param action e.g. {@code jobrunr.job.requeue}
 * @param targetType {@code job}, {@code recurring_job}, {@code problem}, or {@code jobrunr} for a call this version
 *     does not know
 */
record JobRunrCall(String action, String targetType, String targetId) {

    private static final Pattern JOB = Pattern.compile("/api/jobs/([^/]+)(/requeue)?");
    private static final Pattern RECURRING = Pattern.compile("/api/recurring-jobs/([^/]+)(/trigger)?");
    private static final Pattern PROBLEM = Pattern.compile("/api/problems/([^/]+)");

    static JobRunrCall of(String method, String path) {
        boolean delete = method.equals("DELETE");
        Matcher job = JOB.matcher(path);
        if (job.matches()) {
            return new JobRunrCall(
                    job.group(2) != null ? "jobrunr.job.requeue" : delete ? "jobrunr.job.delete" : unknown(method),
                    "job",
                    job.group(1));
        }
        Matcher recurring = RECURRING.matcher(path);
        if (recurring.matches()) {
            return new JobRunrCall(
                    recurring.group(2) != null
                            ? "jobrunr.recurring_job.trigger"
                            : delete ? "jobrunr.recurring_job.delete" : unknown(method),
                    "recurring_job",
                    recurring.group(1));
        }
        Matcher problem = PROBLEM.matcher(path);
        if (problem.matches() && delete) {
            return new JobRunrCall("jobrunr.problem.dismiss", "problem", problem.group(1));
        }
        return new JobRunrCall(unknown(method), "jobrunr", path.length() > 200 ? path.substring(0, 200) : path);
    }

    /** The target's state now, for the entry's before and after: a job's state, whether a recurring job exists. */
    String state(StorageProvider storage) {
        try {
            return switch (targetType) {
                case "job" ->
                    storage.getJobById(UUID.fromString(targetId)).getState().name();
                case "recurring_job" ->
                    storage.getRecurringJobs().stream().anyMatch(r -> r.getId().equals(targetId))
                            ? "SCHEDULED"
                            : "ABSENT";
                default -> null;
            };
        } catch (RuntimeException e) {
            // Not a job id, or no such job (any more): JobRunr's answer says which.
            return "ABSENT";
        }
    }

    private static String unknown(String method) {
        return "jobrunr." + method.toLowerCase(Locale.ROOT);
    }
}
