-- Module generation: secrets every node must share (the signing key of image links when none is configured).
create table generation_secrets (
    name   varchar(64)  not null,
    secret varchar(128) not null,
    constraint pk_generation_secrets primary key (name)
);
