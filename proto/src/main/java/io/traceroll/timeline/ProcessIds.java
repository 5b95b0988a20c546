package io.traceroll.timeline;

/**
 * Synthetic process ids for services whose spans carry no real pid.
 *
 * <p>Linux never hands out pids above {@code 2^22} (pid_max's hard limit), so synthetic pids live
 * in {@code [2^22, 2^31)}: they can never be mistaken for, or collide with, a real pid. They are
 * derived from the service name alone so that every part of every request shows a service under
 * the same pid.
 */
public final class ProcessIds {
  /** Linux PID_MAX_LIMIT on 64-bit. */
  public static final int FIRST_SYNTHETIC_PID = 1 << 22;

  private ProcessIds() {}

  public static int syntheticPid(String serviceName) {
    long h = StableHash.of("pid").add(serviceName).value();
    return FIRST_SYNTHETIC_PID + (int) Long.remainderUnsigned(h, Integer.MAX_VALUE - FIRST_SYNTHETIC_PID);
  }

  public static boolean isSynthetic(int pid) {
    return pid >= FIRST_SYNTHETIC_PID;
  }
}
