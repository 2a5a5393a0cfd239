package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemberTest {

    private final Member member = new Member(new ReplicaEndpoint("vol", "127.0.0.1", 9700));

    @Test
    void anAnsweredReadOrWriteCountsTowardsItsResponseTime() {
        long id = member.sent();

        member.answered(id, true);

        assertThat(member.responseNanos(System.nanoTime())).isPositive();
        assertThat(member.outstanding()).isZero();
    }

    @Test
    void anAnsweredFlushLeavesItsResponseTimeAlone() {
        long id = member.sent();

        member.answered(id, false);

        assertThat(member.responseNanos(System.nanoTime())).isZero();
        assertThat(member.outstanding()).isZero();
    }
}
