package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.replica.client.ReplicaState;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupQuorumTest {

    private static ReplicaState at(int setSize, int consistencyFactor) {
        return new ReplicaState(1 << 20, 9, setSize, consistencyFactor, 100, false);
    }

    @Test
    void givenAnEpochWrittenByTwoReplicasWithCfTwo_thenOneOfThemHoldsEveryAcknowledgedWrite() {
        StartupQuorum quorum = StartupQuorum.of(List.of(at(2, 2)), 2);

        assertThat(quorum.needed()).isEqualTo(1);
        assertThat(quorum.holdersAmong(1)).isEqualTo(1);
    }

    @Test
    void givenAnEpochWrittenByThreeReplicasWithCfTwo_thenTwoOfThemAreNeeded() {
        StartupQuorum quorum = StartupQuorum.of(List.of(at(3, 2), at(3, 2)), 2);

        assertThat(quorum.needed()).isEqualTo(2);
        assertThat(quorum.holdersAmong(2)).isEqualTo(1);
        assertThat(quorum.holdersAmong(3)).isEqualTo(2);
    }

    @Test
    void givenAnEpochWrittenByFiveReplicasWithCfThree_thenThreeAreNeeded() {
        assertThat(StartupQuorum.of(List.of(at(5, 3)), 3).needed()).isEqualTo(3);
    }

    @Test
    void givenAnEpochWhoseSetWasBelowCf_thenOneReplicaOfItIsEnough() {
        assertThat(StartupQuorum.of(List.of(at(1, 2)), 2).needed()).isEqualTo(1);
    }

    @Test
    void givenTheEpochWasWrittenWithAnotherCf_thenThatCfCountsNotTheConfiguredOne() {
        assertThat(StartupQuorum.of(List.of(at(3, 3)), 2).needed()).isEqualTo(1);
    }

    @Test
    void givenReplicasThatDoNotKnowTheirEpochsWriteSet_thenTheConfiguredCfIsNeeded() {
        StartupQuorum quorum = StartupQuorum.of(List.of(at(0, 0), at(2, 2)), 2);

        assertThat(quorum.needed()).isEqualTo(2);
        assertThat(quorum.holdersAmong(2)).isEqualTo(2);
    }
}
