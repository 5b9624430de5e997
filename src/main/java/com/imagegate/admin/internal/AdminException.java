package com.imagegate.admin.internal;

/** An admin action that was refused, with a message for the admin; nothing was changed. */
class AdminException extends RuntimeException {

    AdminException(String message) {
        super(message);
    }
}
