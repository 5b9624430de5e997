package com.imagegate.generation.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.generation.StorageProperties;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    FileUrls fileUrls(StorageProperties properties, ImagegateProperties app, JdbcTemplate jdbc, Clock clock) {
        byte[] key = properties.signingKey() != null && !properties.signingKey().isBlank()
                ? properties.signingKey().getBytes(StandardCharsets.UTF_8)
                : sharedSigningKey(jdbc);
        return new FileUrls(app.baseUrlString(), key, clock);
    }

    /** A random key made by the first node that starts and read by every other, so all nodes sign alike. */
    private static byte[] sharedSigningKey(JdbcTemplate jdbc) {
        var existing = jdbc.queryForList(
                "select secret from generation_secrets where name = 'file-url-signing'", String.class);
        if (existing.isEmpty()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            try {
                jdbc.update(
                        "insert into generation_secrets (name, secret) values ('file-url-signing', ?)",
                        HexFormat.of().formatHex(random));
            } catch (DuplicateKeyException anotherNodeWasFirst) {
                // fall through and read theirs
            }
            existing = jdbc.queryForList(
                    "select secret from generation_secrets where name = 'file-url-signing'", String.class);
        }
        return HexFormat.of().parseHex(existing.getFirst());
    }
}
