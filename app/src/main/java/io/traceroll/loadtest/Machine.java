package io.traceroll.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** One line naming the machine a result was measured on: results mean nothing without it. */
final class Machine {
  private Machine() {}

  static String describe() {
    long ram = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      ram = os.getTotalMemorySize();
    }
    return String.format(Locale.ROOT, "%d cores%s, %.0f GiB RAM, %s %s, Java %s",
        Runtime.getRuntime().availableProcessors(), cpuModel().map(m -> " (" + m + ")").orElse(""),
        ram / (double) (1L << 30), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }

  private static Optional<String> cpuModel() {
    Path info = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(info)) {
      return Optional.empty();
    }
    try (var lines = Files.lines(info)) {
      return lines.filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " "));
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }
}
