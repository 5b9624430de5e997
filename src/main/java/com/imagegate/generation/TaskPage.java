package com.imagegate.generation;

import java.util.List;

/** A page of tasks, newest first; {@code nextCursor} fetches the next page, null at the end. */
public record TaskPage(List<TaskView> tasks, String nextCursor) {}
