-- Module generation: every node's recent calls per channel (the admin's health page) and the hourly clean-up of old
-- attempts both read task_attempts by start time.
create index ix_task_attempts_started on task_attempts (started_at);
