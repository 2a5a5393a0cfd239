package io.basalt.engine.acceptance.initiator;

import static org.awaitility.Awaitility.await;

import io.basalt.engine.acceptance.process.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sustained write workload through a real initiator that records what the target acknowledged.
 * It runs qemu-io in batches, one write per region in turn, each with its own byte pattern; qemu-io
 * runs a batch's writes one after the other and prints a line for every write the target
 * acknowledged (or a failure line), line-buffered so that nothing acknowledged goes unrecorded even
 * when a batch is killed. Afterwards {@link #readBackCommands()} checks every region against the
 * last pattern acknowledged there; a region whose last write failed or was cut off may hold either
 * pattern and is not checked.
 */
public final class RecordingWriter implements AutoCloseable {

    private static final Pattern WROTE = Pattern.compile("^wrote (\\d+)/(\\d+) bytes at offset (\\d+)");
    private static final Pattern FAILED = Pattern.compile("^write failed: (.*)");
    private static final Duration BATCH_LIMIT = Duration.ofMinutes(3);
    private static final Duration ACKNOWLEDGE_LIMIT = Duration.ofMinutes(2);
    private static final Duration NOTHING_REPORTED_PAUSE = Duration.ofMillis(200);

    private final Path workDir;
    private final String url;
    private final long from;
    private final int regionSize;
    private final int regions;
    private final int batchSize;
    /** Per region: the pattern last acknowledged (1..255), 0 when never written, -1 when uncertain. */
    private final int[] state;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private volatile Process current;
    private volatile Path currentOutput;
    private volatile Thread thread;
    private volatile RuntimeException broken;
    private long sequence;
    private int batches;

    /** Writes {@code regions} regions of {@code regionSize} bytes from byte {@code from}, {@code batchSize} per qemu-io run. */
    public RecordingWriter(Path workDir, String url, long from, int regionSize, int regions, int batchSize) {
        this.workDir = workDir;
        this.url = url;
        this.from = from;
        this.regionSize = regionSize;
        this.regions = regions;
        this.batchSize = batchSize;
        this.state = new int[regions];
    }

    /** Starts writing batch after batch until {@link #stop()}. */
    public RecordingWriter start() {
        thread = Thread.ofPlatform().name("recording-writer").daemon().start(() -> {
            try {
                while (!stopping.get()) {
                    runBatch();
                }
            } catch (RuntimeException e) {
                broken = e;
            }
        });
        return this;
    }

    /** Runs {@code count} batches in the calling thread. */
    public RecordingWriter writeBatches(int count) {
        for (int i = 0; i < count; i++) {
            runBatch();
        }
        return this;
    }

    /** Writes acknowledged so far, including those of the batch under way. */
    public long acknowledged() {
        return acknowledged.get() + countInCurrentBatch(WROTE);
    }

    /** Waits until {@code count} writes in all have been acknowledged. */
    public void awaitAcknowledged(long count) {
        await().atMost(ACKNOWLEDGE_LIMIT).pollInterval(Duration.ofMillis(100)).until(() -> acknowledged() >= count);
    }

    /** Waits until {@code more} writes have been acknowledged beyond those acknowledged so far. */
    public void awaitMoreAcknowledged(long more) {
        awaitAcknowledged(acknowledged() + more);
    }

    /** Writes that failed so far, including those of the batch under way. */
    public long failed() {
        return failed.get() + countInCurrentBatch(FAILED);
    }

    /** The first failure messages qemu-io printed, for assertion messages. */
    public synchronized List<String> failures() {
        return List.copyOf(failures.subList(0, Math.min(10, failures.size())));
    }

    /** Lets the batch under way finish, then stops. */
    public void stop() {
        stopping.set(true);
        join();
    }

    /** Kills the batch under way (its writes that were not reported stay uncertain), then stops. */
    public void abort() {
        stopping.set(true);
        Process process = current;
        if (process != null) {
            Processes.killTree(process.toHandle(), Duration.ofSeconds(10));
        }
        join();
    }

    private void join() {
        try {
            if (thread != null && !thread.join(BATCH_LIMIT.plusSeconds(10))) {
                throw new IllegalStateException("the writer's batch did not end within " + BATCH_LIMIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the writer", e);
        }
        if (broken != null) {
            throw broken;
        }
    }

    /** Regions whose content is known: those whose last write was acknowledged. */
    public synchronized int certainRegions() {
        int certain = 0;
        for (int pattern : state) {
            certain += pattern > 0 ? 1 : 0;
        }
        return certain;
    }

    /** Regions whose last write failed or was cut off. */
    public synchronized int uncertainRegions() {
        int uncertain = 0;
        for (int pattern : state) {
            uncertain += pattern < 0 ? 1 : 0;
        }
        return uncertain;
    }

    /** qemu-io {@code read -P} commands that check every region against its last acknowledged pattern. */
    public synchronized List<String> readBackCommands() {
        List<String> commands = new ArrayList<>();
        for (int region = 0; region < regions; region++) {
            if (state[region] > 0) {
                commands.add("read -P " + state[region] + " " + offset(region) + " " + regionSize);
            }
        }
        return commands;
    }

    /** Reads every region whose content is known through {@code qemu} and fails on the first mismatch. */
    public void verify(Qemu qemu, String readUrl) {
        List<String> commands = readBackCommands();
        for (int start = 0; start < commands.size(); start += 256) {
            qemu.io(readUrl, commands.subList(start, Math.min(commands.size(), start + 256)));
        }
    }

    @Override
    public void close() {
        if (thread != null && thread.isAlive()) {
            abort();
        }
    }

    private long offset(int region) {
        return from + (long) region * regionSize;
    }

    private void runBatch() {
        long first = sequence;
        List<Integer> planRegions = new ArrayList<>();
        List<Integer> planPatterns = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "qemu-io", "-f", "raw"));
        for (int i = 0; i < batchSize; i++) {
            int region = (int) (sequence % regions);
            int pattern = (int) (sequence % 255) + 1;
            sequence++;
            planRegions.add(region);
            planPatterns.add(pattern);
            command.addAll(List.of("-c", "write -P " + pattern + " " + offset(region) + " " + regionSize));
        }
        command.add(url);
        Path output = workDir.resolve("writer-batch-" + (++batches) + ".out");
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            currentOutput = output;
            current = process;
            if (!process.waitFor(BATCH_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                Processes.killTree(process.toHandle(), Duration.ofSeconds(10));
            }
            currentOutput = null;
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            int reported = record(planRegions, planPatterns, lines);
            // Writes that never started are planned again, so that an outage skips no region.
            sequence = first + Math.min(reported + 1, batchSize);
            if (reported == 0) {
                Thread.sleep(NOTHING_REPORTED_PAUSE.toMillis()); // the target is away: no busy loop of qemu-io
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run qemu-io", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            current = null;
            currentOutput = null;
        }
    }

    /** Matches qemu-io's report lines, in order, to the batch's writes; how many it reported on. */
    private synchronized int record(List<Integer> planRegions, List<Integer> planPatterns, List<String> lines) {
        int next = 0;
        for (String line : lines) {
            if (next >= planRegions.size()) {
                break;
            }
            Matcher wrote = WROTE.matcher(line);
            boolean acknowledgedWrite = wrote.find();
            if (!acknowledgedWrite && !FAILED.matcher(line).find()) {
                continue;
            }
            int region = planRegions.get(next);
            if (acknowledgedWrite) {
                if (Long.parseLong(wrote.group(3)) != offset(region)) {
                    throw new IllegalStateException("qemu-io reported a write at " + wrote.group(3) + ", expected "
                            + offset(region) + ": " + line);
                }
                state[region] = planPatterns.get(next);
                acknowledged.incrementAndGet();
            } else {
                state[region] = -1;
                failed.incrementAndGet();
                failures.add(line);
            }
            next++;
        }
        if (next < planRegions.size()) {
            // The write after the last report was under way when the batch ended; later ones never started.
            state[planRegions.get(next)] = -1;
        }
        return next;
    }

    private long countInCurrentBatch(Pattern pattern) {
        Path output = currentOutput;
        if (output == null) {
            return 0;
        }
        try {
            return Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                    .filter(line -> pattern.matcher(line).find()).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }
}
