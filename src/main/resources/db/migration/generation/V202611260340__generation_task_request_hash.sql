-- Module generation: the digest of the request that created a task without an Idempotency-Key, so that an SDK's retry
-- (no Idempotency-Key, only X-Stainless-Retry-Count) finds the first attempt's task on whichever node it lands.
alter table image_tasks add column request_hash varchar(64);
create index ix_image_tasks_key_request on image_tasks (api_key_id, request_hash, created_at);
