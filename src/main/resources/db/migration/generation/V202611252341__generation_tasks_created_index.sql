-- Module generation: tasks of every workspace by creation time (the admin console's overview, task list and usage
-- export read date ranges across workspaces).
create index ix_image_tasks_created on image_tasks (created_at, id);
