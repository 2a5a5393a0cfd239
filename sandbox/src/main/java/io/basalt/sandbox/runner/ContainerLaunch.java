package io.basalt.sandbox.runner;

import java.util.List;
import java.util.Map;

/** The local process that stands for a pod's container: its command line and environment. */
record ContainerLaunch(List<String> command, Map<String, String> environment) {
}
