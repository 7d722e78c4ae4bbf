package dev.txmsg.benchmark.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds txmsg-test's local broker jar ({@code txmsg-test-<version>-broker.jar}) where a build leaves it. */
final class LocalBrokerJar {

    private LocalBrokerJar() {
    }

    /** The given jar, if it exists. */
    static Path check(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--broker-jar: " + jar.toAbsolutePath() + " does not exist; build it with "
                + "mvn -B -q package -DskipTests (it is txmsg-test/target/txmsg-test-<version>-broker.jar)");
        }
        return jar;
    }

    /**
     * The newest broker jar in {@code txmsg-test/target} under the working directory or its parent,
     * else in the local Maven repository. Call before {@code user.home} is redirected.
     */
    static Path find() {
        Path cwd = Path.of("").toAbsolutePath();
        List<Path> places = new ArrayList<>();
        places.add(cwd.resolve("txmsg-test/target"));
        if (cwd.getParent() != null) {
            places.add(cwd.getParent().resolve("txmsg-test/target"));
        }
        Path repository = Path.of(System.getProperty("user.home"), ".m2/repository/dev/txmsg/txmsg-test");
        try (Stream<Path> versions = Files.isDirectory(repository) ? Files.list(repository) : Stream.empty()) {
            versions.filter(Files::isDirectory).forEach(places::add);
        } catch (IOException e) {
            // an unreadable repository is one place fewer to look
        }
        for (Path place : places) {
            Optional<Path> jar = newestIn(place);
            if (jar.isPresent()) {
                return jar.get();
            }
        }
        throw new IllegalArgumentException("--broker external: no txmsg-test-<version>-broker.jar in " + places
            + "; build it with mvn -B -q package -DskipTests from the project root, or pass --broker-jar <path>");
    }

    private static Optional<Path> newestIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("txmsg-test-.*-broker\\.jar"))
                .max(Comparator.comparing(p -> p.toFile().lastModified()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
