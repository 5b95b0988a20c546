package io.traceroll.perfetto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.traceroll.perfetto.proto.Trace;
import io.traceroll.perfetto.proto.TracePacket;
import io.traceroll.perfetto.proto.TrackEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bytes the generated classes write for a trace, with one difference the writer makes on
 * purpose: in event packets the fields go in the writer's gzip-friendly order (interned data,
 * sequence, flags, event, timestamp; inside the event what repeats before what varies) instead of
 * field-number order. Every field is still encoded by the generated code, one field at a time;
 * only the order of the fields is the writer's, and protobuf parsers accept any order.
 */
final class WireOrder {
  static final int[] PACKET_ORDER = {12, 10, 13, 11, 8};
  static final int[] EVENT_ORDER =
      {9, 3, 10, 36, 42, 47, 48, 11, 12, 31, 52, 53, 54, 4, 56, 55, 30, 44};

  private WireOrder() {}

  static byte[] trace(List<TracePacket> packets) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TracePacket p : packets) {
      byte[] body = p.hasTrackEvent() ? inOrder(p, PACKET_ORDER) : p.toByteArray();
      writeLengthDelimited(out, Trace.PACKET_FIELD_NUMBER, body);
    }
    byte[] bytes = out.toByteArray();
    if (packets.stream().noneMatch(TracePacket::hasTrackEvent)) {
      // no reordering involved: exactly the generated serialisation
      assertThat(bytes).isEqualTo(Trace.newBuilder().addAllPacket(packets).build().toByteArray());
    }
    return bytes;
  }

  /** Serialises {@code m} field by field in {@code order}; fails on a set field not listed. */
  static byte[] inOrder(Message m, int[] order) {
    for (Descriptors.FieldDescriptor f : m.getAllFields().keySet()) {
      assertThat(order).as("wire position of field %s", f.getFullName()).contains(f.getNumber());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int number : order) {
      Descriptors.FieldDescriptor f = m.getDescriptorForType().findFieldByNumber(number);
      if (f == null || !m.getAllFields().containsKey(f)) {
        continue;
      }
      if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE
          && f.getMessageType().equals(TrackEvent.getDescriptor())) {
        writeLengthDelimited(out, number, inOrder((Message) m.getField(f), EVENT_ORDER));
      } else {
        Message.Builder one = m.newBuilderForType();
        one.setField(f, m.getField(f));
        out.writeBytes(one.build().toByteArray());
      }
    }
    return out.toByteArray();
  }

  private static void writeLengthDelimited(ByteArrayOutputStream out, int field, byte[] body) {
    try {
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      CodedOutputStream c = CodedOutputStream.newInstance(header);
      c.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      c.writeUInt32NoTag(body.length);
      c.flush();
      out.writeBytes(header.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.writeBytes(body);
  }
}
