package io.basalt.driver.exec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One external command line with its time limit. Arguments marked secret (CHAP passwords) are
 * passed to the program unchanged but shown as {@value #MASK} wherever the command is printed.
 *
 * @param argv the program and its arguments
 * @param secrets the argument values never to print
 * @param timeout how long the command may run before it is killed
 */
public record Command(List<String> argv, Set<String> secrets, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final String MASK = "******";

    public Command {
        argv = List.copyOf(argv);
        secrets = Set.copyOf(secrets);
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program name");
        }
    }

    /** A command without secrets and with the default time limit. */
    public static Command of(String program, String... arguments) {
        return builder(program).args(arguments).build();
    }

    public static Builder builder(String program) {
        return new Builder(program);
    }

    public String program() {
        return argv.getFirst();
    }

    /** The command line as it may be logged: space separated, secrets masked. */
    public String display() {
        StringBuilder line = new StringBuilder();
        for (String argument : argv) {
            if (!line.isEmpty()) {
                line.append(' ');
            }
            line.append(secrets.contains(argument) ? MASK : argument);
        }
        return line.toString();
    }

    /** {@code text} with every secret of this command masked, for output that may echo them. */
    public String mask(String text) {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, secrets, limit);
    }

    @Override
    public String toString() {
        return display();
    }

    /** Builds a command argument by argument. */
    public static final class Builder {
        private final List<String> argv = new ArrayList<>();
        private final Set<String> secrets = new HashSet<>();
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(String program) {
            argv.add(program);
        }

        public Builder args(String... arguments) {
            argv.addAll(List.of(arguments));
            return this;
        }

        public Builder args(List<String> arguments) {
            argv.addAll(arguments);
            return this;
        }

        /** Adds an argument that must never be printed. */
        public Builder secretArg(String argument) {
            if (!argument.isEmpty()) {
                secrets.add(argument);
            }
            argv.add(argument);
            return this;
        }

        public Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        public Command build() {
            return new Command(argv, secrets, timeout);
        }
    }
}
