-- Module generation: image tasks and their stored images.
create table image_tasks (
    id               varchar(40)   not null,
    workspace_id     varchar(40)   not null,
    api_key_id       varchar(40),
    source           varchar(16)   not null,
    kind             varchar(16)   not null,
    status           varchar(16)   not null,
    model            varchar(64)   not null,
    model_snapshot   varchar(64)   not null,
    provider         varchar(32)   not null,
    prompt           mediumtext,
    image_urls       mediumtext,
    n                int           not null,
    size             varchar(16)   not null,
    quality          varchar(16)   not null,
    output_format    varchar(8)    not null,
    end_user         varchar(256),
    callback_url     varchar(2048),
    credits          bigint        not null,
    credits_captured bigint,
    credits_refunded boolean       not null,
    error_code       varchar(64),
    error_message    varchar(1000),
    request_id       varchar(128),
    attempts         int           not null,
    lease_owner      varchar(64),
    lease_until      datetime(6),
    created_at       datetime(6)   not null,
    started_at       datetime(6),
    finished_at      datetime(6),
    constraint pk_image_tasks primary key (id)
);
create index ix_image_tasks_workspace_created on image_tasks (workspace_id, created_at, id);
create index ix_image_tasks_status on image_tasks (status, created_at);

create table task_images (
    id            varchar(40)  not null,
    task_id       varchar(40)  not null,
    workspace_id  varchar(40)  not null,
    position      int          not null,
    storage_key   varchar(255) not null,
    content_type  varchar(32)  not null,
    width         int          not null,
    height        int          not null,
    byte_size     bigint       not null,
    created_at    datetime(6)  not null,
    deleted_at    datetime(6),
    constraint pk_task_images primary key (id),
    constraint uk_task_images_storage_key unique (storage_key),
    constraint uk_task_images_task_position unique (task_id, position),
    constraint fk_task_images_task foreign key (task_id) references image_tasks (id)
);
create index ix_task_images_created on task_images (created_at);

-- Idempotency-Key: the same key and body within 24 h returns the first task.
create table idempotency_keys (
    workspace_id  varchar(40)  not null,
    idem_key      varchar(255) not null,
    request_hash  varchar(64)  not null,
    task_id       varchar(40)  not null,
    created_at    datetime(6)  not null,
    constraint pk_idempotency_keys primary key (workspace_id, idem_key)
);
create index ix_idempotency_keys_created on idempotency_keys (created_at);
