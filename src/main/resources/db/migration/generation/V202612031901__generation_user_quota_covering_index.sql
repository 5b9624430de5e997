-- Module generation: the end user's daily quota check sums one user's tasks of one day (status, credits,
-- credits_captured) under the acceptance lock; an index that holds those columns answers it from the index alone,
-- without reading each task's row (see docs/benchmarks.md, "Spend controls at acceptance"). It replaces
-- ix_image_tasks_workspace_user_created, its prefix.
create index ix_image_tasks_user_quota on image_tasks (workspace_id, end_user, created_at, status, credits, credits_captured);
drop index ix_image_tasks_workspace_user_created on image_tasks;
