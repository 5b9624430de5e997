-- Module webhook: workspace endpoints that subscribe to event types, and deliveries generalized from one task's
-- callback to one event sent to one endpoint. A callback delivery keeps task_id (unique: one per task ending); an
-- event delivery has event_type, endpoint_id and message_id (the event id sent as webhook-id, shared by every
-- endpoint's delivery of the event and by a resend), subject_id (the task of a task.* event) and, for events whose
-- body does not change, the body itself in payload.
create table webhook_endpoints (
    id            varchar(40)   not null,
    workspace_id  varchar(40)   not null,
    url           varchar(2048) not null,
    description   varchar(200)  not null,
    event_types   varchar(255)  not null,
    enabled       boolean       not null,
    created_at    datetime(6)   not null,
    updated_at    datetime(6)   not null,
    constraint pk_webhook_endpoints primary key (id)
);
create index ix_webhook_endpoints_workspace on webhook_endpoints (workspace_id, created_at);

alter table webhook_deliveries modify task_id varchar(40) null;
alter table webhook_deliveries modify task_status varchar(16) null;
alter table webhook_deliveries add column message_id varchar(40);
alter table webhook_deliveries add column event_type varchar(32);
alter table webhook_deliveries add column endpoint_id varchar(40);
alter table webhook_deliveries add column subject_id varchar(40);
alter table webhook_deliveries add column event_at datetime(6);
alter table webhook_deliveries add column payload varchar(8000);
alter table webhook_deliveries add column resend_of varchar(40);
update webhook_deliveries set message_id = id;
create index ix_webhook_deliveries_endpoint on webhook_deliveries (workspace_id, endpoint_id, created_at);

alter table webhook_attempts modify task_id varchar(40) null;
