package io.traceroll.perfetto;

/** Built-in counter units ({@code CounterDescriptor.Unit}); use a unit name for anything else. */
public enum CounterUnit {
  UNSPECIFIED(0), TIME_NS(1), COUNT(2), SIZE_BYTES(3);

  final int wire;

  CounterUnit(int wire) {
    this.wire = wire;
  }
}
