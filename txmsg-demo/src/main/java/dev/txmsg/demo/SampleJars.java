package dev.txmsg.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Finds the sample services' runnable jars in a checkout. */
public final class SampleJars {

    private SampleJars() {
    }

    /** The order service's jar under {@code root}. */
    public static Path order(Path root) {
        return find(root, "txmsg-sample-order");
    }

    /** The account service's jar under {@code root}. */
    public static Path account(Path root) {
        return find(root, "txmsg-sample-account");
    }

    /** The checkout's root: the working directory, or its parent when run from a module. */
    public static Path checkout() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("txmsg-sample-order")) ? here : here.getParent();
    }

    private static Path find(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(module + "-.*\\.jar")).findFirst()
                .orElseThrow(() -> missing(module, target));
        } catch (IOException e) {
            throw missing(module, target);
        }
    }

    private static IllegalStateException missing(String module, Path target) {
        return new IllegalStateException("no runnable jar of " + module + " in " + target
            + ": build it first with 'mvn -B package -DskipTests' in " + target.getParent().getParent());
    }
}
