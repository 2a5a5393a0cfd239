package io.basalt.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {

    private static final long GIB = 1L << 30;

    private final ReplicaPlacer placer = new ReplicaPlacer();

    @Test
    void picksTheLeastUsedOnlinePoolsOnDistinctNodes() {
        List<PoolCandidate> pools = List.of(
                pool("a", "node-1", 40, 60), pool("b", "node-2", 40, 10), pool("c", "node-3", 40, 30),
                pool("d", "node-4", 40, 20));

        Placement placement = placer.place(PlacementRequest.fresh(3, 10 * GIB), pools);

        assertThat(placement).isEqualTo(new Placement.Placed(List.of("b", "d", "c")));
    }

    @Test
    void neverPutsTwoReplicasOnOneNode() {
        List<PoolCandidate> pools = List.of(pool("a", "node-1", 40, 0), pool("b", "node-1", 40, 1),
                pool("c", "node-2", 40, 2));

        Placement placement = placer.place(PlacementRequest.fresh(2, GIB), pools);

        assertThat(placement).isEqualTo(new Placement.Placed(List.of("a", "c")));
    }

    @Test
    void notEnoughPoolsNamesEveryPoolAndWhyItWasPassedOver() {
        List<PoolCandidate> pools = List.of(pool("pool-a", "node-1", 40, 0), pool("pool-b", "node-2", 4, 0),
                new PoolCandidate("pool-c", "node-3", false, 0, 0), pool("pool-d", "node-1", 30, 5));

        Placement placement = placer.place(PlacementRequest.fresh(3, 10 * GIB), pools);

        assertThat(placement).isInstanceOfSatisfying(Placement.NotEnoughPools.class, p -> assertThat(p.message())
                .startsWith("needs 3 pools on distinct nodes with 10Gi free; found 1")
                .contains("pool-a on node-1: 40Gi free")
                .contains("pool-b on node-2: 4Gi free, too little")
                .contains("pool-c on node-3: offline")
                .contains("pool-d on node-1: 30Gi free, but its node already holds a replica"));
    }

    @Test
    void emptyPoolClusterSaysSo() {
        Placement placement = placer.place(PlacementRequest.fresh(1, GIB), List.of());

        assertThat(placement).isInstanceOfSatisfying(Placement.NotEnoughPools.class,
                p -> assertThat(p.message()).contains("the pool cluster has no pools"));
    }

    @Test
    void keptPoolsStayAndOnlyTheMissingReplicasArePlaced() {
        List<PoolCandidate> pools = List.of(pool("a", "node-1", 40, 90), pool("b", "node-2", 40, 0),
                pool("c", "node-3", 40, 50), pool("d", "node-4", 40, 10));

        Placement placement = placer.place(new PlacementRequest(3, GIB, Set.of("a", "c"), Set.of()), pools);

        assertThat(placement).isEqualTo(new Placement.Placed(List.of("a", "c", "b")));
    }

    @Test
    void keptPoolBlocksItsNodeForTheReplacement() {
        List<PoolCandidate> pools = List.of(pool("a", "node-1", 40, 90), pool("b", "node-1", 40, 0),
                pool("c", "node-2", 40, 50));

        Placement placement = placer.place(new PlacementRequest(2, GIB, Set.of("a"), Set.of()), pools);

        assertThat(placement).isEqualTo(new Placement.Placed(List.of("a", "c")));
    }

    @Test
    void cloneGoesOnlyOnThePoolsOfItsSource() {
        List<PoolCandidate> pools = List.of(pool("a", "node-1", 40, 0), pool("b", "node-2", 40, 0),
                pool("c", "node-3", 40, 0));

        Placement placement = placer.place(new PlacementRequest(2, GIB, Set.of(), Set.of("b", "c")), pools);

        assertThat(placement).isEqualTo(new Placement.Placed(List.of("b", "c")));
    }

    @Test
    void cloneWhoseSourcePoolsAreDownCannotBePlacedElsewhere() {
        List<PoolCandidate> pools = List.of(pool("a", "node-1", 40, 0),
                new PoolCandidate("b", "node-2", false, 0, 0));

        Placement placement = placer.place(new PlacementRequest(1, GIB, Set.of(), Set.of("b")), pools);

        assertThat(placement).isInstanceOfSatisfying(Placement.NotEnoughPools.class, p -> assertThat(p.message())
                .contains("a on node-1: not a pool of the clone's source").contains("b on node-2: offline"));
    }

    private static PoolCandidate pool(String name, String node, long freeGib, long usedGib) {
        return new PoolCandidate(name, node, true, freeGib * GIB, usedGib * GIB);
    }
}
