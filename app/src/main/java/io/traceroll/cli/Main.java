package io.traceroll.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./traceroll} executable: one picocli command per capability. */
@Command(
    name = "traceroll",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Span telemetry from Kafka to Perfetto trace archives, one per request.",
    subcommands = {
      ConvertCommand.class,
      TopologyCommand.class,
      LocalCommand.class,
      RunCommand.class,
      BenchCommand.class,
      CrashLoopCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Entry point for tests: runs a command line and returns its exit code, never exits the JVM. */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"traceroll " + (v == null ? "dev" : v)};
    }
  }
}
