package io.basalt.engine.scsi;

import static io.basalt.engine.scsi.TargetFixture.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReservationCommandsTest {

    private static final int REGISTER = 0;
    private static final int RESERVE = 1;
    private static final int RELEASE = 2;
    private static final int CLEAR = 3;
    private static final int PREEMPT = 4;
    private static final int REGISTER_AND_IGNORE = 6;
    private static final int EXCLUSIVE_ACCESS = 3;
    private static final int WRITE_EXCLUSIVE = 1;
    private static final long KEY_A = 0xAAAA;
    private static final long KEY_B = 0xBBBB;

    @TempDir
    Path dir;

    private TargetFixture target;

    @BeforeEach
    void start() throws Exception {
        target = new TargetFixture(dir);
    }

    @AfterEach
    void stop() {
        target.close();
    }

    @Test
    void registeredKeysAreListedWithAGenerationThatCounts() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER_AND_IGNORE, 0, 0, KEY_B);

        byte[] keys = target.run(Cdbs.persistentReserveIn(0, 255)).data();

        assertThat(Cdb.u32(keys, 0)).isEqualTo(2);
        assertThat(Cdb.u32(keys, 4)).isEqualTo(16);
        assertThat(Cdb.u64(keys, 8)).isEqualTo(KEY_A);
        assertThat(Cdb.u64(keys, 16)).isEqualTo(KEY_B);
    }

    @Test
    void registeringAgainWithAWrongKeyIsAConflict() {
        prout(target.first, REGISTER, 0, 0, KEY_A);

        assertThat(prout(target.first, REGISTER, 0, KEY_A + 1, KEY_B).status()).isEqualTo(ScsiResponse.RESERVATION_CONFLICT);
    }

    @Test
    void registeringZeroUnregisters() {
        prout(target.first, REGISTER, 0, 0, KEY_A);

        prout(target.first, REGISTER, 0, KEY_A, 0);

        assertThat(Cdb.u32(target.run(Cdbs.persistentReserveIn(0, 255)).data(), 4)).isZero();
    }

    @Test
    void anUnregisteredNexusCannotReserve() {
        assertThat(prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0).status())
                .isEqualTo(ScsiResponse.RESERVATION_CONFLICT);
    }

    @Test
    void readReservationShowsTheHoldersKeyAndType() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.first, RESERVE, WRITE_EXCLUSIVE, KEY_A, 0);

        byte[] data = target.run(Cdbs.persistentReserveIn(1, 255)).data();

        assertThat(Cdb.u32(data, 4)).isEqualTo(16);
        assertThat(Cdb.u64(data, 8)).isEqualTo(KEY_A);
        assertThat(data[21]).isEqualTo((byte) WRITE_EXCLUSIVE);
    }

    @Test
    void allRegistrantsReservationsReportKeyZero() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.first, RESERVE, 7, KEY_A, 0);

        assertThat(Cdb.u64(target.run(Cdbs.persistentReserveIn(1, 255)).data(), 8)).isZero();
    }

    @ParameterizedTest(name = "type {0}: registrant read={1} write={2}, non-registrant read={3} write={4}")
    @CsvSource({
            "1, true, false, true, false",
            "3, false, false, false, false",
            "5, true, true, true, false",
            "6, true, true, false, false",
            "7, true, true, true, false",
            "8, true, true, false, false"})
    void accessOfOtherNexusesFollowsTheReservationType(int type, boolean registrantReads, boolean registrantWrites,
                                                       boolean othersRead, boolean othersWrite) {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER, 0, 0, KEY_B);
        assertThat(prout(target.first, RESERVE, type, KEY_A, 0).status()).isEqualTo(ScsiResponse.GOOD);

        assertThat(canRead(target.first)).isTrue();
        assertThat(canWrite(target.first)).isTrue();
        assertThat(canRead(target.second)).isEqualTo(registrantReads);
        assertThat(canWrite(target.second)).isEqualTo(registrantWrites);

        prout(target.second, REGISTER, 0, KEY_B, 0);

        assertThat(canRead(target.second)).isEqualTo(othersRead);
        assertThat(canWrite(target.second)).isEqualTo(othersWrite);
    }

    @Test
    void inquiryAndReportLunsAreAllowedUnderAnyReservation() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        assertThat(target.run(target.second, Cdbs.inquiry(false, 0, 96)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(target.second, Cdbs.reportLuns(0, 64)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(target.second, Cdbs.persistentReserveIn(0, 64)).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void releaseWithAnotherTypeIsAnInvalidRelease() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        Result result = prout(target.first, RELEASE, WRITE_EXCLUSIVE, KEY_A, 0);

        assertThat(result.asc()).isEqualTo(0x26);
        assertThat(result.ascq()).isEqualTo(0x04);
    }

    @Test
    void releasingARegistrantsOnlyReservationTellsTheOtherRegistrants() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER, 0, 0, KEY_B);
        prout(target.first, RESERVE, 5, KEY_A, 0);

        prout(target.first, RELEASE, 5, KEY_A, 0);

        Result attention = target.run(target.second, Cdbs.testUnitReady());
        assertThat(attention.asc()).isEqualTo(0x2A);
        assertThat(attention.ascq()).isEqualTo(0x04);
        assertThat(canWrite(target.second)).isTrue();
    }

    @Test
    void clearRemovesEverythingAndTellsTheOthers() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER, 0, 0, KEY_B);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        prout(target.first, CLEAR, 0, KEY_A, 0);

        Result attention = target.run(target.second, Cdbs.testUnitReady());
        assertThat(attention.ascq()).isEqualTo(0x03);
        assertThat(Cdb.u32(target.run(Cdbs.persistentReserveIn(0, 64)).data(), 4)).isZero();
        assertThat(canWrite(target.second)).isTrue();
    }

    @Test
    void preemptRemovesTheOtherRegistrationAndBumpsTheGeneration() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER, 0, 0, KEY_B);
        long generation = Cdb.u32(target.run(Cdbs.persistentReserveIn(0, 64)).data(), 0);

        Result result = prout(target.second, PREEMPT, EXCLUSIVE_ACCESS, KEY_B, KEY_A);

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        byte[] keys = target.run(target.second, Cdbs.persistentReserveIn(0, 64)).data();
        assertThat(Cdb.u32(keys, 0)).isEqualTo(generation + 1);
        assertThat(Cdb.u32(keys, 4)).isEqualTo(8);
        assertThat(Cdb.u64(keys, 8)).isEqualTo(KEY_B);
        assertThat(target.run(target.first, Cdbs.testUnitReady()).ascq()).isEqualTo(0x05);
    }

    @Test
    void preemptingTheHolderTakesOverTheReservation() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER, 0, 0, KEY_B);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        prout(target.second, PREEMPT, WRITE_EXCLUSIVE, KEY_B, KEY_A);

        byte[] reservation = target.run(target.second, Cdbs.persistentReserveIn(1, 64)).data();
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_B);
        assertThat(reservation[21]).isEqualTo((byte) WRITE_EXCLUSIVE);
        target.run(target.first, Cdbs.testUnitReady());
        assertThat(canWrite(target.first)).isFalse();
    }

    @Test
    void aWrongParameterListLengthIsALengthError() {
        byte[] cdb = Cdbs.persistentReserveOut(REGISTER, 0);
        Cdb.putU32(cdb, 5, 20);

        assertThat(target.run(cdb, new byte[20]).asc()).isEqualTo(0x1A);
    }

    @Test
    void allTargetPortsAndPersistThroughPowerLossAreNotSupported() {
        byte[] parameters = Cdbs.proutParameters(0, KEY_A);
        parameters[20] = 0x04;

        assertThat(target.run(Cdbs.persistentReserveOut(REGISTER, 0), parameters).asc()).isEqualTo(0x26);
    }

    @Test
    void anInvalidTypeIsAnInvalidFieldInTheCdb() {
        prout(target.first, REGISTER, 0, 0, KEY_A);

        assertThat(prout(target.first, RESERVE, 2, KEY_A, 0).asc()).isEqualTo(0x24);
    }

    @Test
    void reportCapabilitiesListsEveryType() {
        byte[] data = target.run(Cdbs.persistentReserveIn(2, 64)).data();

        assertThat(Cdb.u16(data, 0)).isEqualTo(8);
        assertThat(Cdb.u16(data, 4)).isEqualTo(0xEA01);
    }

    @Test
    void readFullStatusNamesEachRegistrantAndTheHolder() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.second, REGISTER, 0, 0, KEY_B);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        byte[] data = target.run(Cdbs.persistentReserveIn(3, 1024)).data();

        assertThat(Cdb.u32(data, 4)).isEqualTo(data.length - 8);
        assertThat(Cdb.u64(data, 8)).isEqualTo(KEY_A);
        assertThat(data[20] & 0x01).isEqualTo(1);
        assertThat(data[21]).isEqualTo((byte) EXCLUSIVE_ACCESS);
        assertThat(new String(data, java.nio.charset.StandardCharsets.US_ASCII)).contains("iqn.2026-01.test:second,i,0x");
    }

    @Test
    void anUnknownServiceActionIsAnInvalidField() {
        assertThat(target.run(Cdbs.persistentReserveIn(9, 64)).asc()).isEqualTo(0x24);
    }

    @Test
    void reserve6KeepsOtherNexusesOutUntilReleased() {
        assertThat(target.run(target.first, new byte[] {0x16, 0, 0, 0, 0, 0}).status()).isEqualTo(ScsiResponse.GOOD);

        assertThat(target.run(target.second, new byte[] {0x16, 0, 0, 0, 0, 0}).status())
                .isEqualTo(ScsiResponse.RESERVATION_CONFLICT);
        assertThat(target.run(target.second, Cdbs.modeSense6(false, 0, 0x3F, 0, 255)).status())
                .isEqualTo(ScsiResponse.RESERVATION_CONFLICT);

        target.run(target.second, new byte[] {0x17, 0, 0, 0, 0, 0});
        assertThat(canRead(target.second)).isFalse();
        target.run(target.first, new byte[] {0x17, 0, 0, 0, 0, 0});
        assertThat(canRead(target.second)).isTrue();
    }

    @Test
    void aLogicalUnitResetReleasesReserve6() {
        target.run(target.first, new byte[] {0x16, 0, 0, 0, 0, 0});

        target.target.resetLogicalUnit(target.first, 0);

        target.run(target.second, Cdbs.testUnitReady());
        target.run(target.first, Cdbs.testUnitReady());
        assertThat(canRead(target.second)).isTrue();
    }

    @Test
    void theLossOfTheNexusReleasesReserve6() {
        target.run(target.first, new byte[] {0x16, 0, 0, 0, 0, 0});

        target.target.nexusRemoved(target.first);

        assertThat(canRead(target.second)).isTrue();
    }

    @Test
    void registerAndMoveHandsTheReservationToAnotherNexus() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        Result result = registerAndMove(target.first, KEY_A, KEY_B, target.second.initiatorPort(), true);

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        byte[] reservation = target.run(target.second, Cdbs.persistentReserveIn(1, 64)).data();
        assertThat(Cdb.u64(reservation, 8)).isEqualTo(KEY_B);
        assertThat(reservation[21]).isEqualTo((byte) EXCLUSIVE_ACCESS);
        byte[] keys = target.run(target.second, Cdbs.persistentReserveIn(0, 64)).data();
        assertThat(Cdb.u32(keys, 4)).isEqualTo(8);
        assertThat(canWrite(target.second)).isTrue();
        assertThat(canWrite(target.first)).isFalse();
    }

    @Test
    void registerAndMoveNeedsTheReservation() {
        prout(target.first, REGISTER, 0, 0, KEY_A);

        Result result = registerAndMove(target.first, KEY_A, KEY_B, target.second.initiatorPort(), false);

        assertThat(result.status()).isEqualTo(ScsiResponse.RESERVATION_CONFLICT);
    }

    @Test
    void registerAndMoveToItselfIsAnInvalidField() {
        prout(target.first, REGISTER, 0, 0, KEY_A);
        prout(target.first, RESERVE, EXCLUSIVE_ACCESS, KEY_A, 0);

        Result result = registerAndMove(target.first, KEY_A, KEY_B, target.first.initiatorPort(), false);

        assertThat(result.asc()).isEqualTo(0x26);
    }

    private Result registerAndMove(Nexus nexus, long key, long newKey, String destination, boolean unregister) {
        byte[] name = destination.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int padded = (name.length + 4) & ~3;
        byte[] parameters = new byte[24 + 4 + padded];
        Cdb.putU64(parameters, 0, key);
        Cdb.putU64(parameters, 8, newKey);
        parameters[17] = (byte) (unregister ? 0x02 : 0);
        Cdb.putU16(parameters, 18, 1);
        Cdb.putU32(parameters, 20, 4 + padded);
        parameters[24] = 0x45;
        Cdb.putU16(parameters, 26, padded);
        System.arraycopy(name, 0, parameters, 28, name.length);
        byte[] cdb = Cdbs.persistentReserveOut(7, EXCLUSIVE_ACCESS);
        Cdb.putU32(cdb, 5, parameters.length);
        return target.run(nexus, cdb, parameters);
    }

    private Result prout(Nexus nexus, int action, int type, long key, long serviceActionKey) {
        return target.run(nexus, Cdbs.persistentReserveOut(action, type), Cdbs.proutParameters(key, serviceActionKey));
    }

    private boolean canRead(Nexus nexus) {
        return target.run(nexus, Cdbs.read10(1, 1)).status() == ScsiResponse.GOOD;
    }

    private boolean canWrite(Nexus nexus) {
        return target.run(nexus, Cdbs.write10(1, 1), new byte[BLOCK]).status() == ScsiResponse.GOOD;
    }
}
