package io.basalt.driver.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A command runner for tests: each command line (arguments joined by spaces) is answered by the
 * newest rule whose pattern matches it whole; one-shot rules come first and are used up. Every
 * call is recorded, and a command no rule expects fails the test.
 */
public final class ScriptedCommandRunner implements CommandRunner {

    /** Computes the result of one command, or throws as a failing runner would. */
    @FunctionalInterface
    public interface Answer {
        CommandResult answer(Command command);
    }

    private record Rule(Pattern pattern, Answer answer) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final List<Rule> oneShots = new ArrayList<>();
    private final List<Command> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

    /** Answers every command matching {@code regex}; newer rules win over older ones. */
    public synchronized ScriptedCommandRunner on(String regex, Answer answer) {
        rules.addFirst(new Rule(Pattern.compile(regex), answer));
        return this;
    }

    public ScriptedCommandRunner on(String regex, CommandResult result) {
        return on(regex, command -> result);
    }

    /** Answers the next command matching {@code regex} only, before any lasting rule. */
    public synchronized ScriptedCommandRunner once(String regex, Answer answer) {
        oneShots.add(new Rule(Pattern.compile(regex), answer));
        return this;
    }

    public ScriptedCommandRunner once(String regex, CommandResult result) {
        return once(regex, command -> result);
    }

    @Override
    public CommandResult execute(Command command) {
        calls.add(command);
        return ruleFor(command).answer(command);
    }

    private synchronized Answer ruleFor(Command command) {
        String line = String.join(" ", command.argv());
        for (Iterator<Rule> it = oneShots.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.pattern().matcher(line).matches()) {
                it.remove();
                return rule.answer();
            }
        }
        for (Rule rule : rules) {
            if (rule.pattern().matcher(line).matches()) {
                return rule.answer();
            }
        }
        unexpected.add(command.display());
        throw new AssertionError("unexpected command: " + command.display());
    }

    /** Every command run so far, in order. */
    public List<Command> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Every command line run so far, as it would be logged (secrets masked). */
    public List<String> lines() {
        return calls().stream().map(Command::display).toList();
    }

    public void clearCalls() {
        calls.clear();
    }

    /** Fails when any command was run that no rule expected. */
    public void assertNoUnexpectedCommands() {
        synchronized (unexpected) {
            if (!unexpected.isEmpty()) {
                throw new AssertionError("commands no rule expected: " + unexpected);
            }
        }
    }
}
