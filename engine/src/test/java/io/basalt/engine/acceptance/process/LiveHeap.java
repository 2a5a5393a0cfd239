package io.basalt.engine.acceptance.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a live JVM still uses after a full collection, read with the JDK's jcmd: what a leak
 * of per-connection objects would grow, without the noise of heap sizing and JIT in the RSS.
 */
public final class LiveHeap {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private LiveHeap() {
    }

    public static long kibAfterFullGc(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap usage in jcmd GC.heap_info of " + pid + ": " + info);
        }
        return Long.parseLong(used.group(1));
    }

    private static String jcmd(long pid, String command) {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jcmd = java.resolveSibling("jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("jcmd " + command + " on " + pid + " did not finish");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + command + " on " + pid + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running jcmd", e);
        }
    }
}
