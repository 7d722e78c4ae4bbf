package dev.txmsg.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary store directories of embedded brokers. */
final class StoreDirectories {

    private StoreDirectories() {
    }

    /** A new, empty temporary directory. */
    static Path createTemporary() {
        try {
            return Files.createTempDirectory("txmsg-rocketmq-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary store directory", e);
        }
    }

    /** Deletes {@code dir} and all below it, quietly: a leftover temporary directory is not worth failing a test run for. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // see above
        }
    }
}
