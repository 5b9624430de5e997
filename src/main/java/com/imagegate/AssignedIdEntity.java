package com.imagegate;

import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Transient;
import org.springframework.data.domain.Persistable;

/**
 * An entity whose id we assign ({@code task_…}) rather than the database. Spring Data would take such an entity for
 * an existing one and {@code merge} it: a SELECT, then an INSERT — or, for a key that a concurrent transaction just
 * inserted, a silent UPDATE of that row. This makes {@code save} of a new entity a plain INSERT, so a duplicate key is
 * an error, as unique keys must be.
 */
@MappedSuperclass
public abstract class AssignedIdEntity<ID> implements Persistable<ID> {

    @Transient
    private boolean isNew = true;

    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostLoad
    @PostPersist
    void markPersisted() {
        this.isNew = false;
    }
}
