package io.basalt.sandbox.tour;

import io.basalt.sandbox.print.ResourcePrinter;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Prints the tour's milestones, each stamped with the time since the tour began, and resource tables. */
public final class Narrator {

    private final PrintStream out;
    private final ResourcePrinter printer;
    private final Instant start = Instant.now();

    public Narrator(PrintStream out, ResourcePrinter printer) {
        this.out = out;
        this.printer = printer;
    }

    /** A milestone line: {@code [  12.3s] what happened}. */
    public void milestone(String text) {
        out.printf("[%6.1fs] %s%n", elapsed().toMillis() / 1000.0, text);
        out.flush();
    }

    /** An explanation under a milestone. */
    public void note(String text) {
        out.println("           " + text);
    }

    /** {@code kubectl get} of each kind, in order. */
    public void show(List<String> kinds) {
        out.println();
        kinds.forEach(kind -> out.println(printer.get(kind)));
        out.flush();
    }

    public Duration elapsed() {
        return Duration.between(start, Instant.now());
    }
}
