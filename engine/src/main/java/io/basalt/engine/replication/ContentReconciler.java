package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.roaringbitmap.longlong.Roaring64Bitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the trusted replicas at start-up when some of them cannot list what they wrote since
 * their last mark (their pool restarted since). Each pool computes a CRC32C per region over its
 * data; where the replicas differ, the region is read from each and every sector takes the content
 * that at least CF of them hold: an acknowledged write reached CF replicas of the write set, and
 * with CF more than half of the trusted replicas no other content can have as many. A sector
 * where no content has CF holders carries only writes that were never acknowledged, or, in one
 * case this cannot tell apart, an acknowledged write that a later unacknowledged one overwrote on
 * one replica while another replica missed both; it takes the content of the replica that wrote
 * the region last when a complete list says so, else of the replica marked furthest.
 */
final class ContentReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(ContentReconciler.class);
    private static final int REGION_BYTES = Message.WrittenRegions.REGION_BYTES;
    /** Regions per checksum request: 64 MiB to read on the pool, well within a request's time limit. */
    private static final int REGIONS_PER_REQUEST = 1_024;
    private static final int REQUESTS_IN_FLIGHT = 4;
    private static final int PARALLEL_REPAIRS = 16;
    static final int SECTOR_BYTES = 512;
    /** The unit a pool allocates in: a repair unmaps the whole ones of zeros rather than writing them. */
    private static final int BLOCK_BYTES = 4096;
    private static final byte[] ZEROS = new byte[BLOCK_BYTES];

    private final WriteSet writeSet;
    private final int consistencyFactor;
    private final Consumer<String> progress;

    ContentReconciler(WriteSet writeSet, int consistencyFactor, Consumer<String> progress) {
        this.writeSet = writeSet;
        this.consistencyFactor = consistencyFactor;
        this.progress = progress;
    }

    /**
     * Makes the content of {@code trusted} (connected, at epoch {@code epoch}) equal over
     * [0, size), writing repaired regions with {@code sequence}; {@code logs} and {@code marks}
     * (each one's consistent-through mark) choose where a sector has no quorum.
     */
    void reconcile(List<Member> trusted, Map<Member, Message.WrittenRegions> logs, Map<Member, Long> marks, long size,
            long epoch, long sequence) {
        long regions = (size + REGION_BYTES - 1) / REGION_BYTES;
        Roaring64Bitmap differing = compare(trusted, regions);
        List<Member> byMark = trusted.stream()
                .sorted(Comparator.comparingLong((Member member) -> marks.get(member)).reversed()).toList();
        List<CompletableFuture<Long>> repairs = new ArrayList<>();
        long repairedBytes = 0;
        long done = 0;
        for (var regionsLeft = differing.getLongIterator(); regionsLeft.hasNext(); ) {
            long region = regionsLeft.next();
            Member preferred = lastWriter(region, trusted, logs).orElse(byMark.getFirst());
            repairs.add(repair(region * REGION_BYTES, (int) Math.min(REGION_BYTES, size - region * REGION_BYTES),
                    trusted, trusted.indexOf(preferred), epoch, sequence));
            if (repairs.size() == PARALLEL_REPAIRS) {
                repairedBytes += joinAll(repairs);
                done += repairs.size();
                repairs.clear();
                progress.accept("repairing the regions where the replicas differ: " + done + " of "
                        + differing.getLongCardinality());
            }
        }
        repairedBytes += joinAll(repairs);
        CompletableFuture.allOf(trusted.stream().map(member -> member.client().flush(epoch, -1))
                .toArray(CompletableFuture[]::new)).join();
        LOG.info("replicas reconciled by content: {} {} {} {}", kv("volume", writeSet.volume()),
                kv("regions", regions), kv("regionsDiffering", differing.getLongCardinality()),
                kv("bytesRepaired", repairedBytes));
    }

    /** The regions whose checksums are not the same on every trusted replica. */
    private Roaring64Bitmap compare(List<Member> trusted, long regions) {
        Roaring64Bitmap differing = new Roaring64Bitmap();
        List<CompletableFuture<Void>> pages = new ArrayList<>();
        for (long from = 0; from < regions; from += REGIONS_PER_REQUEST) {
            long first = from;
            int count = (int) Math.min(REGIONS_PER_REQUEST, regions - from);
            List<CompletableFuture<int[]>> answers = trusted.stream()
                    .map(member -> member.client().regionChecksums(first, count)).toList();
            pages.add(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenAccept(all -> {
                int[] reference = answers.getFirst().join();
                for (int i = 0; i < count; i++) {
                    for (CompletableFuture<int[]> answer : answers) {
                        int[] checksums = answer.join();
                        if (checksums.length <= i || checksums[i] != reference[i]) {
                            synchronized (differing) {
                                differing.addLong(first + i);
                            }
                            break;
                        }
                    }
                }
            }));
            if (pages.size() == REQUESTS_IN_FLIGHT) {
                CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new)).join();
                pages.clear();
                long compared = Math.min(regions, from + count);
                progress.accept("comparing the replicas' content: " + (compared * REGION_BYTES >> 20) + " of "
                        + (regions * REGION_BYTES >> 20) + " MiB, " + differing.getLongCardinality()
                        + " region(s) of 64 KiB differ");
            }
        }
        CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new)).join();
        return differing;
    }

    /** The replica whose complete list says it wrote {@code region} last, if any says so. */
    private static Optional<Member> lastWriter(long region, List<Member> trusted,
            Map<Member, Message.WrittenRegions> logs) {
        Member newest = null;
        long newestSequence = Long.MIN_VALUE;
        for (Member member : trusted) {
            Message.WrittenRegions log = logs.get(member);
            if (!log.complete()) {
                continue;
            }
            int at = Arrays.binarySearch(log.regions(), region);
            if (at >= 0 && log.sequences()[at] > newestSequence) {
                newest = member;
                newestSequence = log.sequences()[at];
            }
        }
        return Optional.ofNullable(newest);
    }

    /** Reads the region from every replica, votes sector by sector, and writes the result where it differs. */
    private CompletableFuture<Long> repair(long offset, int length, List<Member> trusted, int preferred, long epoch,
            long sequence) {
        List<CompletableFuture<byte[]>> reads = trusted.stream().map(member -> member.client().read(offset, length))
                .toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenCompose(all -> {
            List<byte[]> contents = reads.stream().map(CompletableFuture::join).toList();
            byte[] agreed = vote(contents, consistencyFactor, preferred);
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < trusted.size(); i++) {
                if (!Arrays.equals(contents.get(i), agreed)) {
                    writes.add(store(trusted.get(i).client(), offset, agreed, epoch, sequence));
                }
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .thenApply(written -> (long) writes.size() * length);
        });
    }

    /**
     * Writes {@code agreed} at {@code offset}, but for its whole blocks of zeros, which are unmapped:
     * written, they would take the space that holes (an unmap the crash cut short, or the other
     * replicas' never written blocks) do not.
     */
    private static CompletableFuture<Void> store(ReplicaClient client, long offset, byte[] agreed, long epoch,
            long sequence) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        int start = 0;
        while (start < agreed.length) {
            boolean zeros = zeroBlock(agreed, start);
            int end = Math.min(agreed.length, start + BLOCK_BYTES);
            while (end < agreed.length && zeroBlock(agreed, end) == zeros) {
                end = Math.min(agreed.length, end + BLOCK_BYTES);
            }
            parts.add(zeros ? client.unmap(offset + start, end - start, sequence, epoch)
                    : client.write(offset + start, Arrays.copyOfRange(agreed, start, end), sequence, epoch, false));
            start = end;
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /** Whether the block of {@code content} at {@code start} is all zeros; a block cut short by the end is not. */
    private static boolean zeroBlock(byte[] content, int start) {
        int end = start + BLOCK_BYTES;
        return end <= content.length && Arrays.equals(content, start, end, ZEROS, 0, BLOCK_BYTES);
    }

    /**
     * Sector by sector, the content that the most replicas hold when at least {@code quorum} do
     * (ties to the group of {@code preferred}), else the content of {@code preferred}.
     */
    static byte[] vote(List<byte[]> contents, int quorum, int preferred) {
        int length = contents.getFirst().length;
        byte[] agreed = new byte[length];
        for (int start = 0; start < length; start += SECTOR_BYTES) {
            int end = Math.min(length, start + SECTOR_BYTES);
            int chosen = preferred;
            int chosenVotes = votes(contents, preferred, start, end);
            for (int candidate = 0; candidate < contents.size(); candidate++) {
                int candidateVotes = votes(contents, candidate, start, end);
                if (candidateVotes > chosenVotes) {
                    chosen = candidate;
                    chosenVotes = candidateVotes;
                }
            }
            int source = chosenVotes >= quorum ? chosen : preferred;
            System.arraycopy(contents.get(source), start, agreed, start, end - start);
        }
        return agreed;
    }

    private static int votes(List<byte[]> contents, int holder, int start, int end) {
        byte[] held = contents.get(holder);
        int votes = 0;
        for (byte[] other : contents) {
            if (Arrays.equals(held, start, end, other, start, end)) {
                votes++;
            }
        }
        return votes;
    }

    private static long joinAll(List<CompletableFuture<Long>> repairs) {
        CompletableFuture.allOf(repairs.toArray(CompletableFuture[]::new)).join();
        return repairs.stream().mapToLong(CompletableFuture::join).sum();
    }
}
