-- Module generation: partial images streamed while a task renders (docs/api.md, "Task events"). partial_images is
-- how many the caller asked for (0-3); partials how many the renderer has stored so far under partials/<task>/, the
-- counter the task watcher's batched read sees on every node. Never images of the task, never charged; the sweeper
-- deletes the files some minutes after the task ends and sets partials back to 0.
alter table image_tasks add column partial_images int not null default 0;
alter table image_tasks add column partials int not null default 0;
