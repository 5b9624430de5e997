-- Module generation: where a task's fetched reference images are stored (a JSON array of storage keys).
alter table image_tasks add column reference_keys mediumtext;
