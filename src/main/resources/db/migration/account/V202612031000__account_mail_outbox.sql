-- Module account: mail kept instead of sent when no SMTP server is configured (reset, verification and invitation
-- links), for admins to read at /admin/mail; the log only says that a mail was kept. Rows older than 7 days are
-- deleted as new ones arrive. Also: invitations counted per invited address (the per-address daily limit).
create table mail_outbox (
    id         varchar(40)   not null,
    recipient  varchar(320)  not null,
    subject    varchar(300)  not null,
    body       varchar(4000) not null,
    created_at datetime(6)   not null,
    constraint pk_mail_outbox primary key (id)
);
create index ix_mail_outbox_created on mail_outbox (created_at);
create index ix_invitations_email on invitations (email, created_at);
