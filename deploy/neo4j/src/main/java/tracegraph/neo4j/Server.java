package tracegraph.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded with only Bolt on loopback. This is the development
 * and test database of tracegraph; production points NEO4J_URI at a real server.
 *
 * Settings come from the environment so the Makefile stays the one place that knows them:
 * NEO4J_HOME (data folder), NEO4J_PORT (Bolt port), NEO4J_PAGECACHE (e.g. 1g, 512m),
 * NEO4J_PASSWORD (when set, auth is on and the neo4j user gets this password).
 */
public final class Server {
    private Server() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(env("NEO4J_HOME", ".neo4j")).toAbsolutePath();
        int port = Integer.parseInt(env("NEO4J_PORT", "7687"));
        long pageCache = parseBytes(env("NEO4J_PAGECACHE", "1g"));
        String password = System.getenv("NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();
        Files.createDirectories(home);

        long started = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                .build();

        if (auth) {
            // The system database holds users; ALTER USER is allowed in Community.
            // The password is passed as a parameter, never spliced into the statement.
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    java.util.Map.of("pw", password));
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j: shutting down");
            dbms.shutdown();
            System.out.println("neo4j: stopped");
            stopped.countDown();
        }, "neo4j-shutdown"));

        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("neo4j: ready bolt://127.0.0.1:%d (home %s, auth %s, started in %d ms)%n",
                port, home, auth ? "on" : "off", ms);
        System.out.flush();
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** Reads 512m, 1g, 1024k or a plain number of bytes. */
    static long parseBytes(String s) {
        String t = s.trim().toLowerCase();
        long mul = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k') mul = 1L << 10;
        if (last == 'm') mul = 1L << 20;
        if (last == 'g') mul = 1L << 30;
        if (mul != 1) t = t.substring(0, t.length() - 1);
        return Long.parseLong(t) * mul;
    }
}
