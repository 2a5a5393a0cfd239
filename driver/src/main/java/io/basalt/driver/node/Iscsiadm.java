package io.basalt.driver.node;

import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.CommandResult;
import io.basalt.driver.exec.CommandRunner;

/** open-iscsi's node records and sessions, through iscsiadm. */
public final class Iscsiadm {

    /** iscsiadm's exit status when the record or session asked for does not exist. */
    static final int NO_OBJECTS_FOUND = 21;
    /** iscsiadm's exit status when the record or session to create already exists. */
    static final int ALREADY_EXISTS = 15;

    private final CommandRunner runner;

    public Iscsiadm(CommandRunner runner) {
        this.runner = runner;
    }

    /** Whether this host has a session with {@code target} now. */
    public boolean hasSession(IscsiTarget target) {
        CommandResult sessions = runner.run(Command.of("iscsiadm", "-m", "session"), 0, NO_OBJECTS_FOUND);
        if (sessions.exitCode() == NO_OBJECTS_FOUND) {
            return false;
        }
        // Lines read "tcp: [1] 10.0.2.2:3260,1 iqn.2026-11.io.basalt:pvc-1 (non-flash)".
        return sessions.stdout().lines()
                .map(line -> line.trim().split("\\s+"))
                .anyMatch(fields -> fields.length >= 4
                        && fields[2].startsWith(target.portal() + ",")
                        && fields[3].equals(target.iqn()));
    }

    /** Creates (or resets) the node record of {@code target}, without logging in. */
    public void createNode(IscsiTarget target) {
        runner.run(node(target).args("-o", "new").build(), 0, ALREADY_EXISTS);
    }

    /** Sets one setting of the node record. */
    public void set(IscsiTarget target, String name, String value) {
        runner.run(node(target).args("-o", "update", "-n", name, "-v", value).build());
    }

    /** Sets one setting whose value must never be printed. */
    public void setSecret(IscsiTarget target, String name, String value) {
        runner.run(node(target).args("-o", "update", "-n", name, "-v").secretArg(value).build());
    }

    /** Logs in with the node record's settings; an existing session is fine. */
    public void login(IscsiTarget target) {
        runner.run(node(target).args("--login").build(), 0, ALREADY_EXISTS);
    }

    /** Logs out; no session is fine. */
    public void logout(IscsiTarget target) {
        runner.run(node(target).args("--logout").build(), 0, NO_OBJECTS_FOUND);
    }

    /** Deletes the node record; no record is fine. */
    public void deleteNode(IscsiTarget target) {
        runner.run(node(target).args("-o", "delete").build(), 0, NO_OBJECTS_FOUND);
    }

    /** Rescans the LUNs of every session, so that a grown LUN shows its new size. */
    public void rescanSessions() {
        runner.run(Command.of("iscsiadm", "-m", "session", "--rescan"));
    }

    private static Command.Builder node(IscsiTarget target) {
        return Command.builder("iscsiadm").args("-m", "node", "-T", target.iqn(), "-p", target.portal());
    }
}
