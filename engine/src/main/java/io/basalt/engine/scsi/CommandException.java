package io.basalt.engine.scsi;

/**
 * Ends a command with a status other than GOOD: CHECK CONDITION with sense data, or a status
 * such as RESERVATION CONFLICT. Thrown by command handlers and turned into a response.
 */
public final class CommandException extends RuntimeException {

    private final int status;
    private final Sense sense;

    private CommandException(int status, Sense sense, String message) {
        super(message, null, false, false);
        this.status = status;
        this.sense = sense;
    }

    public static CommandException checkCondition(Sense sense) {
        return new CommandException(ScsiResponse.CHECK_CONDITION, sense,
                String.format("sense key %xh, ASC/ASCQ %02xh/%02xh", sense.key(), sense.asc(), sense.ascq()));
    }

    public static CommandException reservationConflict() {
        return new CommandException(ScsiResponse.RESERVATION_CONFLICT, null, "reservation conflict");
    }

    public int status() {
        return status;
    }

    /** The sense data, or null for a status without sense. */
    public Sense sense() {
        return sense;
    }
}
