package io.basalt.engine.scsi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reservation state of a logical unit: persistent reservations (SPC-4 5.9) with their
 * registrations, and the older RESERVE(6)/RELEASE(6) reservation (SPC-2). Registrations are
 * kept per I_T nexus and are not persisted across restarts (PTPL is not supported).
 * All methods are synchronized: they are short and never block.
 */
final class Reservations {

    static final int WRITE_EXCLUSIVE = 1;
    static final int EXCLUSIVE_ACCESS = 3;
    static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;
    static final int EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 6;
    static final int WRITE_EXCLUSIVE_ALL_REGISTRANTS = 7;
    static final int EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 8;

    /** A persistent reservation; {@code holder} is null for the all-registrants types. */
    record Reservation(Nexus holder, int type) {
        boolean allRegistrants() {
            return type == WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
        }

        boolean registrantsHaveAccess() {
            return type >= WRITE_EXCLUSIVE_REGISTRANTS_ONLY;
        }

        boolean writeExclusive() {
            return type == WRITE_EXCLUSIVE || type == WRITE_EXCLUSIVE_REGISTRANTS_ONLY
                    || type == WRITE_EXCLUSIVE_ALL_REGISTRANTS;
        }
    }

    /** A registration as READ FULL STATUS reports it. */
    record Registration(Nexus nexus, long key, boolean holder) {
    }

    private final UnitAttentions unitAttentions;
    private final Map<Nexus, Long> registrations = new LinkedHashMap<>();
    private Reservation reservation;
    private int generation;
    private Nexus legacyHolder;

    Reservations(UnitAttentions unitAttentions) {
        this.unitAttentions = unitAttentions;
    }

    static boolean isValidType(int type) {
        return type == WRITE_EXCLUSIVE || type == EXCLUSIVE_ACCESS
                || (type >= WRITE_EXCLUSIVE_REGISTRANTS_ONLY && type <= EXCLUSIVE_ACCESS_ALL_REGISTRANTS);
    }

    /** Fails with RESERVATION CONFLICT when a reservation keeps {@code nexus} from this access. */
    synchronized void checkAccess(Nexus nexus, Access access) {
        if (access == Access.ALLOWED || access == Access.SELF_CHECKED) {
            return;
        }
        if (legacyHolder != null && !legacyHolder.equals(nexus)) {
            throw CommandException.reservationConflict();
        }
        if (reservation == null || isHolder(nexus)) {
            return;
        }
        if (reservation.registrantsHaveAccess() && registrations.containsKey(nexus)) {
            return;
        }
        if (access == Access.READ && reservation.writeExclusive()) {
            return;
        }
        throw CommandException.reservationConflict();
    }

    private boolean isHolder(Nexus nexus) {
        return reservation != null && (reservation.allRegistrants()
                ? registrations.containsKey(nexus) : nexus.equals(reservation.holder()));
    }

    // --- PERSISTENT RESERVE IN ---

    synchronized int generation() {
        return generation;
    }

    synchronized List<Long> keys() {
        return new ArrayList<>(registrations.values());
    }

    /** The reservation, or null. */
    synchronized Reservation reservation() {
        return reservation;
    }

    /** The key READ RESERVATION reports: the holder's, or zero for the all-registrants types. */
    synchronized long reservationKey() {
        if (reservation == null || reservation.allRegistrants()) {
            return 0;
        }
        return registrations.getOrDefault(reservation.holder(), 0L);
    }

    synchronized List<Registration> registrations() {
        List<Registration> result = new ArrayList<>();
        registrations.forEach((nexus, key) -> result.add(new Registration(nexus, key, isHolder(nexus))));
        return result;
    }

    // --- PERSISTENT RESERVE OUT ---

    /** REGISTER, or with {@code ignoreExistingKey} REGISTER AND IGNORE EXISTING KEY. */
    synchronized void register(Nexus nexus, long key, long newKey, boolean ignoreExistingKey) {
        Long existing = registrations.get(nexus);
        if (existing == null) {
            if (!ignoreExistingKey && key != 0) {
                throw CommandException.reservationConflict();
            }
            if (newKey != 0) {
                registrations.put(nexus, newKey);
                generation++;
            }
            return;
        }
        if (!ignoreExistingKey && existing != key) {
            throw CommandException.reservationConflict();
        }
        if (newKey == 0) {
            unregister(nexus);
        } else {
            registrations.put(nexus, newKey);
        }
        generation++;
    }

    private void unregister(Nexus nexus) {
        boolean wasHolder = isHolder(nexus);
        registrations.remove(nexus);
        if (!wasHolder) {
            return;
        }
        if (reservation.allRegistrants() && !registrations.isEmpty()) {
            return;
        }
        Reservation released = reservation;
        reservation = null;
        if (released.registrantsHaveAccess() && !released.allRegistrants()) {
            registrations.keySet().forEach(other -> unitAttentions.raise(other, Sense.reservationsReleased()));
        }
    }

    synchronized void reserve(Nexus nexus, long key, int type) {
        requireRegistered(nexus, key);
        if (legacyHolder != null && !legacyHolder.equals(nexus)) {
            throw CommandException.reservationConflict();
        }
        if (reservation != null) {
            if (isHolder(nexus) && reservation.type() == type) {
                return;
            }
            throw CommandException.reservationConflict();
        }
        reservation = new Reservation(isAllRegistrants(type) ? null : nexus, type);
    }

    synchronized void release(Nexus nexus, long key, int type) {
        requireRegistered(nexus, key);
        if (reservation == null || !isHolder(nexus)) {
            return;
        }
        if (reservation.type() != type) {
            throw CommandException.checkCondition(Sense.invalidReleaseOfPersistentReservation());
        }
        Reservation released = reservation;
        reservation = null;
        if (released.registrantsHaveAccess()) {
            registrations.keySet().stream().filter(other -> !other.equals(nexus))
                    .forEach(other -> unitAttentions.raise(other, Sense.reservationsReleased()));
        }
    }

    synchronized void clear(Nexus nexus, long key) {
        requireRegistered(nexus, key);
        registrations.keySet().stream().filter(other -> !other.equals(nexus))
                .forEach(other -> unitAttentions.raise(other, Sense.reservationsPreempted()));
        registrations.clear();
        reservation = null;
        generation++;
    }

    /** PREEMPT and PREEMPT AND ABORT (SPC-4 5.9.11.4). */
    synchronized void preempt(Nexus nexus, long key, long preemptedKey, int type) {
        requireRegistered(nexus, key);
        boolean preemptsReservation = reservation != null && (reservation.allRegistrants()
                ? preemptedKey == 0
                : preemptedKey == registrations.getOrDefault(reservation.holder(), 0L));
        if (!preemptsReservation) {
            if (preemptedKey == 0) {
                throw CommandException.checkCondition(Sense.invalidFieldInParameterList(8));
            }
            if (removeRegistrations(nexus, preemptedKey, false) == 0) {
                throw CommandException.reservationConflict();
            }
            generation++;
            return;
        }
        if (!isValidType(type)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 3));
        }
        Reservation old = reservation;
        removeRegistrations(nexus, preemptedKey, old.allRegistrants());
        reservation = new Reservation(isAllRegistrants(type) ? null : nexus, type);
        if (old.type() != type) {
            registrations.keySet().stream().filter(other -> !other.equals(nexus))
                    .forEach(other -> unitAttentions.raise(other, Sense.reservationsReleased()));
        }
        generation++;
    }

    /** Removes the registrations with {@code key} (or all others when {@code everyOther}). */
    private int removeRegistrations(Nexus preempter, long key, boolean everyOther) {
        List<Nexus> removed = new ArrayList<>();
        registrations.forEach((other, otherKey) -> {
            if (!other.equals(preempter) && (everyOther || otherKey == key)) {
                removed.add(other);
            }
        });
        removed.forEach(other -> {
            registrations.remove(other);
            unitAttentions.raise(other, Sense.registrationsPreempted());
        });
        return removed.size();
    }

    /**
     * REGISTER AND MOVE (SPC-4 5.9.9): registers {@code destination} with {@code newKey}, makes it
     * the holder of the reservation {@code nexus} holds, and with {@code unregister} drops the
     * registration of {@code nexus}.
     */
    synchronized void registerAndMove(Nexus nexus, long key, long newKey, Nexus destination, boolean unregister) {
        requireRegistered(nexus, key);
        if (reservation == null || reservation.allRegistrants() || !nexus.equals(reservation.holder())) {
            throw CommandException.reservationConflict();
        }
        if (newKey == 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(8));
        }
        if (destination.equals(nexus)) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(24));
        }
        registrations.put(destination, newKey);
        reservation = new Reservation(destination, reservation.type());
        if (unregister) {
            registrations.remove(nexus);
        }
        generation++;
    }

    private void requireRegistered(Nexus nexus, long key) {
        Long existing = registrations.get(nexus);
        if (existing == null || existing != key) {
            throw CommandException.reservationConflict();
        }
    }

    private static boolean isAllRegistrants(int type) {
        return type == WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    // --- RESERVE(6) / RELEASE(6) ---

    synchronized void reserveLegacy(Nexus nexus) {
        if (reservation != null || (legacyHolder != null && !legacyHolder.equals(nexus))) {
            throw CommandException.reservationConflict();
        }
        legacyHolder = nexus;
    }

    synchronized void releaseLegacy(Nexus nexus) {
        if (nexus.equals(legacyHolder)) {
            legacyHolder = null;
        }
    }

    // --- events ---

    /** The nexus is gone: its RESERVE(6) reservation goes with it; registrations stay (SPC-4). */
    synchronized void nexusRemoved(Nexus nexus) {
        releaseLegacy(nexus);
    }

    /** A logical unit reset releases RESERVE(6) reservations; persistent ones survive it. */
    synchronized void reset() {
        legacyHolder = null;
    }
}
