package io.basalt.engine.acceptance.targets;

/** One direction of CHAP: the name the initiator logs in with and the shared secret. */
public record ChapCredentials(String user, String secret) {

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + ", secret=<hidden>]";
    }
}
