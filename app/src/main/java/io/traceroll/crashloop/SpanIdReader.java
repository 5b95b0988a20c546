package io.traceroll.crashloop;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.traceroll.perfetto.proto.DebugAnnotation;
import io.traceroll.perfetto.proto.DebugAnnotationName;
import io.traceroll.perfetto.proto.InternedData;
import io.traceroll.perfetto.proto.InternedString;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackEvent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The span ids in one archived part, read the way trace processor would find them: every
 * {@code TYPE_SLICE_BEGIN} with a top-level {@code span_id} debug annotation is one span.
 *
 * <p>The verifier must not trust the writer it checks, so this decodes with the classes generated
 * from our {@code .proto} (not our hand-written wire code) and resolves interned names and values
 * per packet sequence, honouring state clears, exactly as a reader of the file must. Packets are
 * parsed one at a time: a part of 50,000 spans never exists as one message.
 */
final class SpanIdReader {

  private static final String SPAN_ID = "span_id";
  private static final int PACKET_FIELD = 1; // Trace.packet
  private static final int CLEARED = TracePacket.SequenceFlags.SEQ_INCREMENTAL_STATE_CLEARED_VALUE;

  private SpanIdReader() {}

  /** Interned names and string values of one sequence since its last clear. */
  private static final class Interned {
    final Map<Long, String> names = new HashMap<>();
    final Map<Long, String> strings = new HashMap<>();

    void clear() {
      names.clear();
      strings.clear();
    }

    void define(InternedData d) {
      for (DebugAnnotationName n : d.getDebugAnnotationNamesList()) {
        names.put(n.getIid(), n.getName());
      }
      for (InternedString s : d.getDebugAnnotationStringValuesList()) {
        strings.put(s.getIid(), s.getStr().toStringUtf8());
      }
    }
  }

  /**
   * The span ids of the slices in an uncompressed {@code .pftrace} stream, in file order (a span
   * written twice appears twice).
   *
   * @throws IOException when the stream is not a trace, or a slice uses an interned name or value
   *     its sequence never defined (a reader could not tell which span it is)
   */
  static List<String> read(InputStream trace) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(trace);
    in.setSizeLimit(Integer.MAX_VALUE);
    Map<Integer, Interned> sequences = new HashMap<>();
    List<String> ids = new ArrayList<>();
    int packets = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        return ids;
      }
      if (WireFormat.getTagFieldNumber(tag) != PACKET_FIELD
          || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        if (!in.skipField(tag)) {
          return ids;
        }
        continue;
      }
      TracePacket p = TracePacket.parseFrom(in.readBytes());
      packets++;
      Interned interned = sequences.computeIfAbsent(p.getTrustedPacketSequenceId(),
          k -> new Interned());
      if ((p.getSequenceFlags() & CLEARED) != 0 || p.getIncrementalStateCleared()) {
        interned.clear();
      }
      if (p.hasInternedData()) {
        interned.define(p.getInternedData());
      }
      if (p.hasTrackEvent() && p.getTrackEvent().getType() == TrackEvent.Type.TYPE_SLICE_BEGIN) {
        String id = spanId(p.getTrackEvent(), interned, packets);
        if (id != null) {
          ids.add(id);
        }
      }
    }
  }

  private static String spanId(TrackEvent e, Interned interned, int packet) throws IOException {
    for (DebugAnnotation a : e.getDebugAnnotationsList()) {
      String name = a.hasNameIid() ? resolve(interned.names, a.getNameIid(), "name", packet)
          : a.getName();
      if (!SPAN_ID.equals(name)) {
        continue;
      }
      if (a.hasStringValue()) {
        return a.getStringValue();
      }
      if (a.hasStringValueIid()) {
        return resolve(interned.strings, a.getStringValueIid(), "string value", packet);
      }
      throw new IOException("packet #" + packet + ": span_id annotation has no string value");
    }
    return null;
  }

  private static String resolve(Map<Long, String> table, long iid, String what, int packet)
      throws IOException {
    String v = table.get(iid);
    if (v == null) {
      throw new IOException("packet #" + packet + ": interned " + what + " " + iid
          + " is not defined on its sequence");
    }
    return v;
  }
}
