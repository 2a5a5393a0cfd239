package io.basalt.engine.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * PERSISTENT RESERVE IN and OUT (SPC-4 6.15, 6.16) and RESERVE(6)/RELEASE(6) (SPC-2), over
 * {@link Reservations}.
 */
final class ReservationCommands {

    private static final int FF = 0xFF;
    private static final int READ_KEYS = 0x00;
    private static final int READ_RESERVATION = 0x01;
    private static final int REPORT_CAPABILITIES = 0x02;
    private static final int READ_FULL_STATUS = 0x03;

    private static final int REGISTER = 0x00;
    private static final int RESERVE = 0x01;
    private static final int RELEASE = 0x02;
    private static final int CLEAR = 0x03;
    private static final int PREEMPT = 0x04;
    private static final int PREEMPT_AND_ABORT = 0x05;
    private static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    private static final int REGISTER_AND_MOVE = 0x07;

    private static final int PROUT_PARAMETER_LENGTH = 24;
    private static final int RELATIVE_TARGET_PORT = 1;

    private ReservationCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        List<CommandDescriptor> descriptors = new ArrayList<>();
        for (int action : new int[] {READ_KEYS, READ_RESERVATION, REPORT_CAPABILITIES, READ_FULL_STATUS}) {
            descriptors.add(CommandDescriptor.withServiceAction(inName(action), action, Access.ALLOWED,
                    ReservationCommands::persistentReserveIn, 0x5E, action, 0, 0, 0, 0, 0, FF, FF, 0));
        }
        for (int action : new int[] {REGISTER, RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT_AND_ABORT,
                REGISTER_AND_IGNORE_EXISTING_KEY, REGISTER_AND_MOVE}) {
            descriptors.add(CommandDescriptor.withServiceAction(outName(action), action, Access.SELF_CHECKED,
                    ReservationCommands::persistentReserveOut, 0x5F, action, FF, 0, 0, FF, FF, FF, FF, 0));
        }
        descriptors.add(CommandDescriptor.of("RESERVE(6)", Access.SELF_CHECKED, ReservationCommands::reserve6,
                0x16, 0, 0, 0, 0, 0));
        descriptors.add(CommandDescriptor.of("RELEASE(6)", Access.SELF_CHECKED, ReservationCommands::release6,
                0x17, 0, 0, 0, 0, 0));
        return descriptors;
    }

    private static String inName(int action) {
        return "PERSISTENT RESERVE IN/" + switch (action) {
            case READ_KEYS -> "READ KEYS";
            case READ_RESERVATION -> "READ RESERVATION";
            case REPORT_CAPABILITIES -> "REPORT CAPABILITIES";
            default -> "READ FULL STATUS";
        };
    }

    private static String outName(int action) {
        return "PERSISTENT RESERVE OUT/" + switch (action) {
            case REGISTER -> "REGISTER";
            case RESERVE -> "RESERVE";
            case RELEASE -> "RELEASE";
            case CLEAR -> "CLEAR";
            case PREEMPT -> "PREEMPT";
            case PREEMPT_AND_ABORT -> "PREEMPT AND ABORT";
            case REGISTER_AND_IGNORE_EXISTING_KEY -> "REGISTER AND IGNORE EXISTING KEY";
            default -> "REGISTER AND MOVE";
        };
    }

    static CompletableFuture<ScsiResponse> persistentReserveIn(Task task) {
        byte[] cdb = task.cdb();
        int allocationLength = Cdb.u16(cdb, 7);
        Reservations reservations = task.unit().reservations();
        byte[] data = switch (Cdb.bits(cdb, 1, 0, 5)) {
            case READ_KEYS -> readKeys(reservations);
            case READ_RESERVATION -> readReservation(reservations);
            case REPORT_CAPABILITIES -> reportCapabilities();
            case READ_FULL_STATUS -> readFullStatus(reservations);
            default -> throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 4));
        };
        return Task.dataIn(data, allocationLength);
    }

    private static byte[] readKeys(Reservations reservations) {
        synchronized (reservations) {
            List<Long> keys = reservations.keys();
            byte[] data = new byte[8 + 8 * keys.size()];
            Cdb.putU32(data, 0, reservations.generation());
            Cdb.putU32(data, 4, 8L * keys.size());
            for (int i = 0; i < keys.size(); i++) {
                Cdb.putU64(data, 8 + 8 * i, keys.get(i));
            }
            return data;
        }
    }

    private static byte[] readReservation(Reservations reservations) {
        synchronized (reservations) {
            Reservations.Reservation reservation = reservations.reservation();
            byte[] data = new byte[reservation == null ? 8 : 24];
            Cdb.putU32(data, 0, reservations.generation());
            if (reservation != null) {
                Cdb.putU32(data, 4, 16);
                Cdb.putU64(data, 8, reservations.reservationKey());
                data[21] = (byte) reservation.type();
            }
            return data;
        }
    }

    private static byte[] reportCapabilities() {
        byte[] data = new byte[8];
        Cdb.putU16(data, 0, 8);
        // TMV: the type mask is valid.
        data[3] = (byte) 0x80;
        // WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX; then EX_AC_AR.
        data[4] = (byte) 0xEA;
        data[5] = 0x01;
        return data;
    }

    private static byte[] readFullStatus(Reservations reservations) {
        synchronized (reservations) {
            ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
            Reservations.Reservation reservation = reservations.reservation();
            for (Reservations.Registration registration : reservations.registrations()) {
                byte[] transportId = transportId(registration.nexus());
                byte[] descriptor = new byte[24 + transportId.length];
                Cdb.putU64(descriptor, 0, registration.key());
                if (registration.holder()) {
                    descriptor[12] = 0x01;
                    descriptor[13] = (byte) reservation.type();
                }
                Cdb.putU16(descriptor, 18, RELATIVE_TARGET_PORT);
                Cdb.putU32(descriptor, 20, transportId.length);
                System.arraycopy(transportId, 0, descriptor, 24, transportId.length);
                descriptors.writeBytes(descriptor);
            }
            byte[] body = descriptors.toByteArray();
            byte[] data = Arrays.copyOf(new byte[8], 8 + body.length);
            Cdb.putU32(data, 0, reservations.generation());
            Cdb.putU32(data, 4, body.length);
            System.arraycopy(body, 0, data, 8, body.length);
            return data;
        }
    }

    /** An iSCSI TransportID naming the initiator port (format 01b: name, ",i,0x" and ISID). */
    private static byte[] transportId(Nexus nexus) {
        byte[] name = nexus.initiatorPort().getBytes(StandardCharsets.UTF_8);
        int padded = Math.max(20, (name.length + 4) & ~3);
        byte[] id = new byte[4 + padded];
        id[0] = 0x45;
        Cdb.putU16(id, 2, padded);
        System.arraycopy(name, 0, id, 4, name.length);
        return id;
    }

    static CompletableFuture<ScsiResponse> persistentReserveOut(Task task) {
        byte[] cdb = task.cdb();
        int action = Cdb.bits(cdb, 1, 0, 5);
        int scope = Cdb.bits(cdb, 2, 4, 4);
        int type = Cdb.bits(cdb, 2, 0, 4);
        long length = Cdb.u32(cdb, 5);
        if (action == REGISTER_AND_MOVE) {
            return registerAndMove(task, scope, type, length);
        }
        if (length != PROUT_PARAMETER_LENGTH) {
            throw CommandException.checkCondition(Sense.parameterListLengthError());
        }
        byte[] parameters = task.parameterList(PROUT_PARAMETER_LENGTH);
        long key = Cdb.u64(parameters, 0);
        long serviceActionKey = Cdb.u64(parameters, 8);
        // SPEC_I_PT, ALL_TG_PT and APTPL are not supported (REPORT CAPABILITIES says so).
        if (Cdb.bit(parameters, 20, 3)) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(20));
        }
        if (Cdb.bit(parameters, 20, 2)) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(20));
        }
        if (Cdb.bit(parameters, 20, 0)) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(20));
        }
        Nexus nexus = task.nexus();
        Reservations reservations = task.unit().reservations();
        switch (action) {
            case REGISTER -> reservations.register(nexus, key, serviceActionKey, false);
            case REGISTER_AND_IGNORE_EXISTING_KEY -> reservations.register(nexus, key, serviceActionKey, true);
            case RESERVE -> {
                requireScopeAndType(scope, type);
                reservations.reserve(nexus, key, type);
            }
            case RELEASE -> {
                requireScopeAndType(scope, type);
                reservations.release(nexus, key, type);
            }
            case CLEAR -> reservations.clear(nexus, key);
            case PREEMPT, PREEMPT_AND_ABORT -> {
                if (scope != 0) {
                    throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 7));
                }
                reservations.preempt(nexus, key, serviceActionKey, type);
            }
            default -> throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 4));
        }
        return CompletableFuture.completedFuture(ScsiResponse.status(ScsiResponse.GOOD, PROUT_PARAMETER_LENGTH));
    }

    /** REGISTER AND MOVE: its parameter list names the destination with a TransportID. */
    private static CompletableFuture<ScsiResponse> registerAndMove(Task task, int scope, int type, long length) {
        if (length < PROUT_PARAMETER_LENGTH + 4 || length > 4096) {
            throw CommandException.checkCondition(Sense.parameterListLengthError());
        }
        byte[] parameters = task.parameterList((int) length);
        long transportIdLength = Cdb.u32(parameters, 20);
        if (PROUT_PARAMETER_LENGTH + transportIdLength > length) {
            throw CommandException.checkCondition(Sense.parameterListLengthError());
        }
        if (Cdb.bit(parameters, 17, 0)) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(17));
        }
        if (Cdb.u16(parameters, 18) != RELATIVE_TARGET_PORT) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(18));
        }
        String initiatorPort = initiatorPort(Arrays.copyOfRange(parameters, PROUT_PARAMETER_LENGTH,
                PROUT_PARAMETER_LENGTH + (int) transportIdLength));
        Nexus destination = new Nexus(initiatorPort, task.nexus().targetPort());
        task.unit().reservations().registerAndMove(task.nexus(), Cdb.u64(parameters, 0), Cdb.u64(parameters, 8),
                destination, Cdb.bit(parameters, 17, 1));
        return CompletableFuture.completedFuture(ScsiResponse.status(ScsiResponse.GOOD, length));
    }

    /** The initiator port an iSCSI TransportID of format 01b names ({@code name,i,0xISID}). */
    private static String initiatorPort(byte[] transportId) {
        if (transportId.length < 8 || transportId[0] != 0x45) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(PROUT_PARAMETER_LENGTH));
        }
        int length = Math.min(Cdb.u16(transportId, 2), transportId.length - 4);
        int end = 4;
        while (end < 4 + length && transportId[end] != 0) {
            end++;
        }
        String port = new String(transportId, 4, end - 4, StandardCharsets.UTF_8);
        int separator = port.toLowerCase(Locale.ROOT).indexOf(",i,0x");
        if (separator <= 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(PROUT_PARAMETER_LENGTH + 4));
        }
        return port.substring(0, separator) + ",i,0x" + port.substring(separator + 5).toLowerCase(Locale.ROOT);
    }

    private static void requireScopeAndType(int scope, int type) {
        if (scope != 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 7));
        }
        if (!Reservations.isValidType(type)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 3));
        }
    }

    static CompletableFuture<ScsiResponse> reserve6(Task task) {
        task.unit().reservations().reserveLegacy(task.nexus());
        return Task.good();
    }

    static CompletableFuture<ScsiResponse> release6(Task task) {
        task.unit().reservations().releaseLegacy(task.nexus());
        return Task.good();
    }
}
