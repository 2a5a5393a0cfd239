package io.basalt.engine.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * Executes one kind of command. A handler may throw {@link CommandException} or complete its
 * future exceptionally with one; the dispatcher turns that into the response.
 */
@FunctionalInterface
public interface CommandHandler {
    CompletableFuture<ScsiResponse> execute(Task task);
}
