package com.imagegate.account.internal;

import com.imagegate.account.OwnerMail;
import java.util.function.Function;
import org.springframework.stereotype.Service;

/** {@link OwnerMail} for other modules, through the same {@link OwnerNotices} the credit alerts use. */
@Service
class OwnerMailService implements OwnerMail {

    private final OwnerNotices notices;

    OwnerMailService(OwnerNotices notices) {
        this.notices = notices;
    }

    @Override
    public void send(String workspaceId, Function<String, Message> message) {
        notices.send(workspaceId, name -> {
            Message m = message.apply(name);
            return new OwnerNotices.Notice(m.subject(), m.body());
        });
    }

    @Override
    public String link(String path) {
        return notices.link(path);
    }
}
