package com.imagegate.generation.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.generation.ProtectionProperties;
import com.imagegate.generation.StorageProperties;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    FileUrls fileUrls(StorageProperties properties, ImagegateProperties app, JdbcClient jdbc, Clock clock) {
        byte[] key = properties.signingKey() != null && !properties.signingKey().isBlank()
                ? properties.signingKey().getBytes(StandardCharsets.UTF_8)
                : sharedSecret(jdbc, "file-url-signing");
        return new FileUrls(app.baseUrlString(), key, clock);
    }

    /** The key of the end-user identifier sent upstream: configured, or shared by every node through the database. */
    @Bean
    EndUserIds endUserIds(ProtectionProperties protection, JdbcClient jdbc) {
        return new EndUserIds(
                protection.endUserKey() != null && !protection.endUserKey().isBlank()
                        ? protection.endUserKey().getBytes(StandardCharsets.UTF_8)
                        : sharedSecret(jdbc, "end-user-id"));
    }

    /** A random key made by the first node that starts and read by every other, so all nodes sign alike. */
    static byte[] sharedSecret(JdbcClient jdbc, String name) {
        var existing = jdbc.sql("select secret from generation_secrets where name = ?")
                .param(name)
                .query(String.class)
                .list();
        if (existing.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            try {
                jdbc.sql("insert into generation_secrets (name, secret) values (?, ?)")
                        .params(name, HexFormat.of().formatHex(random))
                        .update();
            } catch (DuplicateKeyException anotherNodeWasFirst) {
                // fall through and read theirs
            }
            existing = jdbc.sql("select secret from generation_secrets where name = ?")
                    .param(name)
                    .query(String.class)
                    .list();
        }
        return HexFormat.of().parseHex(existing.getFirst());
    }
}
