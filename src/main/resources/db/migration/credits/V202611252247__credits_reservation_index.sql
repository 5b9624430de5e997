-- Module credits: a task's ledger entries by their reservation (the admin console's task timeline), and the
-- cross-workspace sums by time (its overview).
create index ix_credit_entry_reservation on credit_entry (reservation_ref);
create index ix_credit_entry_created on credit_entry (created_at, kind);
