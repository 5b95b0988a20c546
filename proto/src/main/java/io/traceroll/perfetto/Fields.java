package io.traceroll.perfetto;

/**
 * Field numbers of the Perfetto messages the writer emits, mirroring
 * {@code proto/src/main/proto/perfetto/*.proto} (which cite the official google/perfetto
 * sources). Field numbers are a wire contract and never change; the interop tests prove these
 * agree with the generated classes.
 */
final class Fields {
  private Fields() {}

  /** protos/perfetto/trace/trace.proto */
  static final int TRACE_PACKET = 1;

  /** protos/perfetto/trace/trace_packet.proto */
  static final class Packet {
    static final int CLOCK_SNAPSHOT = 6;
    static final int TIMESTAMP = 8;
    static final int TRUSTED_PACKET_SEQUENCE_ID = 10;
    static final int TRACK_EVENT = 11;
    static final int INTERNED_DATA = 12;
    static final int SEQUENCE_FLAGS = 13;
    static final int TIMESTAMP_CLOCK_ID = 58;
    static final int TRACE_PACKET_DEFAULTS = 59;
    static final int TRACK_DESCRIPTOR = 60;
    static final int FIRST_PACKET_ON_SEQUENCE = 87;
    static final int SEQ_INCREMENTAL_STATE_CLEARED = 1;
    static final int SEQ_NEEDS_INCREMENTAL_STATE = 2;

    private Packet() {}
  }

  /** protos/perfetto/trace/clock_snapshot.proto, protos/perfetto/common/builtin_clock.proto */
  static final class Clock {
    static final int SNAPSHOT_CLOCKS = 1;
    static final int SNAPSHOT_PRIMARY_TRACE_CLOCK = 2;
    static final int CLOCK_ID = 1;
    static final int TIMESTAMP = 2;
    static final int IS_INCREMENTAL = 3;
    static final int BUILTIN_REALTIME = 1;
    static final int BUILTIN_BOOTTIME = 6;
    /** First of the sequence-scoped clock ids (64-127), see trace_packet.proto. */
    static final int INCREMENTAL_CLOCK_ID = 64;

    private Clock() {}
  }

  /** protos/perfetto/trace/track_event/track_descriptor.proto */
  static final class Descriptor {
    static final int UUID = 1;
    static final int NAME = 2;
    static final int PROCESS = 3;
    static final int THREAD = 4;
    static final int PARENT_UUID = 5;
    static final int COUNTER = 8;
    static final int CHILD_ORDERING = 11;
    static final int SIBLING_ORDER_RANK = 12;
    static final int DESCRIPTION = 14;
    static final int SIBLING_MERGE_BEHAVIOR = 15;
    static final int SIBLING_MERGE_KEY = 16;

    private Descriptor() {}
  }

  /** process_descriptor.proto / thread_descriptor.proto / counter_descriptor.proto */
  static final class Os {
    static final int PROCESS_PID = 1;
    static final int PROCESS_NAME = 6;
    static final int THREAD_PID = 1;
    static final int THREAD_TID = 2;
    static final int THREAD_NAME = 5;
    static final int COUNTER_UNIT = 3;
    static final int COUNTER_UNIT_MULTIPLIER = 4;
    static final int COUNTER_IS_INCREMENTAL = 5;
    static final int COUNTER_UNIT_NAME = 6;
    static final int COUNTER_Y_AXIS_SHARE_KEY = 7;

    private Os() {}
  }

  /** protos/perfetto/trace/track_event/track_event.proto */
  static final class Event {
    static final int CATEGORY_IIDS = 3;
    static final int DEBUG_ANNOTATIONS = 4;
    static final int TYPE = 9;
    static final int NAME_IID = 10;
    static final int TRACK_UUID = 11;
    static final int EXTRA_COUNTER_VALUES = 12;
    static final int COUNTER_VALUE = 30;
    static final int EXTRA_COUNTER_TRACK_UUIDS = 31;
    static final int DOUBLE_COUNTER_VALUE = 44;
    static final int FLOW_IDS_OLD = 36;
    static final int TERMINATING_FLOW_IDS_OLD = 42;
    static final int FLOW_IDS = 47;
    static final int TERMINATING_FLOW_IDS = 48;
    static final int CORRELATION_ID = 52;
    static final int CORRELATION_ID_STR = 53;
    static final int CORRELATION_ID_STR_IID = 54;
    static final int CALLSTACK = 55;
    static final int CALLSTACK_IID = 56;
    static final int TYPE_SLICE_BEGIN = 1;
    static final int TYPE_SLICE_END = 2;
    static final int TYPE_INSTANT = 3;
    static final int TYPE_COUNTER = 4;

    private Event() {}
  }

  /** TrackEvent.Callstack and its Frame, protos/perfetto/trace/track_event/track_event.proto */
  static final class InlineCallstack {
    static final int FRAMES = 1;
    static final int FUNCTION_NAME = 1;
    static final int SOURCE_FILE = 2;
    static final int LINE_NUMBER = 3;

    private InlineCallstack() {}
  }

  /** protos/perfetto/trace/track_event/debug_annotation.proto */
  static final class Annotation {
    static final int NAME_IID = 1;
    static final int BOOL_VALUE = 2;
    static final int UINT_VALUE = 3;
    static final int INT_VALUE = 4;
    static final int DOUBLE_VALUE = 5;
    static final int STRING_VALUE = 6;
    static final int POINTER_VALUE = 7;
    static final int DICT_ENTRIES = 11;
    static final int ARRAY_VALUES = 12;
    static final int STRING_VALUE_IID = 17;

    private Annotation() {}
  }

  /**
   * protos/perfetto/trace/interned_data/interned_data.proto; entries are iid = 1 and name/str =
   * 2 (EventCategory, EventName, DebugAnnotationName, InternedString).
   */
  static final class Interned {
    static final int EVENT_CATEGORIES = 1;
    static final int EVENT_NAMES = 2;
    static final int DEBUG_ANNOTATION_NAMES = 3;
    static final int FUNCTION_NAMES = 5;
    static final int FRAMES = 6;
    static final int CALLSTACKS = 7;
    static final int BUILD_IDS = 16;
    static final int MAPPING_PATHS = 17;
    static final int MAPPINGS = 19;
    static final int DEBUG_ANNOTATION_STRING_VALUES = 29;
    static final int CORRELATION_ID_STR = 43;
    static final int ENTRY_IID = 1;
    static final int ENTRY_VALUE = 2;

    private Interned() {}
  }

  /** protos/perfetto/trace/profiling/profile_common.proto (Frame, Callstack, Mapping) */
  static final class Profile {
    static final int FRAME_FUNCTION_NAME_ID = 2;
    static final int FRAME_MAPPING_ID = 3;
    static final int FRAME_REL_PC = 4;
    static final int CALLSTACK_FRAME_IDS = 2;
    static final int MAPPING_BUILD_ID = 2;
    static final int MAPPING_START = 4;
    static final int MAPPING_END = 5;
    static final int MAPPING_LOAD_BIAS = 6;
    static final int MAPPING_PATH_STRING_IDS = 7;
    static final int MAPPING_EXACT_OFFSET = 8;

    private Profile() {}
  }
}
