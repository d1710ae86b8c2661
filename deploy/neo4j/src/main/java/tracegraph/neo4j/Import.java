package tracegraph.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.importer.ImportCommand;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;

import picocli.CommandLine;

/**
 * Runs Neo4j's bulk importer (`neo4j-admin database import full`, from the
 * org.neo4j:neo4j-import-tool artifact) on the store of the development Neo4j, which must
 * be stopped. tracegraph's `load --bulk` writes the import files and passes the
 * importer's own arguments through (deploy/neo4j/neo4j.sh import ARGS…).
 *
 * The home is NEO4J_HOME, the same folder Server.java runs on, so the imported database
 * is the one the server opens at its next start. There is no neo4j.conf: the defaults
 * are the embedded server's (Community, the default store format).
 */
public final class Import {
    private Import() {}

    public static void main(String[] args) throws Exception {
        String h = System.getenv("NEO4J_HOME");
        Path home = Path.of(h == null || h.isEmpty() ? ".neo4j" : h).toAbsolutePath();
        Files.createDirectories(home);
        Path conf = home.resolve("conf"); // absent: the importer then uses its defaults
        ExecutionContext ctx = new ExecutionContext(home, conf, System.out, System.err,
                new DefaultFileSystemAbstraction());
        CommandLine cl = new CommandLine(new ImportCommand.Full(ctx));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        int code = cl.execute(args);
        System.out.flush();
        System.exit(code);
    }
}
