package io.traceroll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.traceroll.perfetto.check.CheckedSlice;
import io.traceroll.perfetto.check.CheckedTrace;
import io.traceroll.perfetto.check.TraceChecker;
import io.traceroll.serdes.avro.AvroSpanEncoder;
import io.traceroll.serdes.otlp.OtlpEncoder;
import io.traceroll.serdes.zipkin.ZipkinJsonEncoder;
import io.traceroll.span.Span;
import io.traceroll.span.TestSpans;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConvertCommandTest {

  @TempDir Path dir;

  /** A few services as a Zipkin reporter writes them: frontend → backend → mysql, µs timestamps. */
  private static final String ZIPKIN_THREE_SERVICES = """
      [
       {"traceId":"5af7183fb1d4cf5f","id":"5af7183fb1d4cf5f","name":"get /api","kind":"SERVER",
        "timestamp":1700000000000000,"duration":207000,
        "localEndpoint":{"serviceName":"frontend","ipv4":"172.17.0.13","port":8080},
        "tags":{"http.method":"GET","http.path":"/api"}},
       {"traceId":"5af7183fb1d4cf5f","parentId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2",
        "name":"get /backend","kind":"CLIENT","timestamp":1700000000010000,"duration":170000,
        "localEndpoint":{"serviceName":"frontend","ipv4":"172.17.0.13"},
        "remoteEndpoint":{"serviceName":"backend","ipv4":"172.17.0.9","port":9000}},
       {"traceId":"5af7183fb1d4cf5f","parentId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2",
        "name":"get /backend","kind":"SERVER","shared":true,"timestamp":1700000000020000,"duration":150000,
        "localEndpoint":{"serviceName":"backend","ipv4":"172.17.0.9","port":9000},
        "annotations":[{"timestamp":1700000000030000,"value":"cache miss"}]},
       {"traceId":"5af7183fb1d4cf5f","parentId":"352bff9a74ca9ad2","id":"e457b5a2e4d86bd1",
        "name":"select","kind":"CLIENT","timestamp":1700000000040000,"duration":90000,
        "localEndpoint":{"serviceName":"backend"},"remoteEndpoint":{"serviceName":"mysql"},
        "tags":{"error":"timeout","sql.query":"select * from users"}},
       {"traceId":"5af7183fb1d4cf5f","parentId":"e457b5a2e4d86bd1","id":"f3ac0e5b6a7c8d9e",
        "name":"query","kind":"SERVER","timestamp":1700000000045000,"duration":80000,
        "localEndpoint":{"serviceName":"mysql"}}
      ]
      """;

  @Test
  void shouldConvertAZipkinFileWithSeveralServicesIntoACheckedTrace() throws IOException {
    Path in = Files.writeString(dir.resolve("spans.json"), ZIPKIN_THREE_SERVICES);
    Path out = dir.resolve("out");

    int exit = Main.run("convert", "--format", "zipkin-json", in.toString(), "--out", out.toString());

    assertThat(exit).isZero();
    List<Path> traces = files(out);
    assertThat(traces).hasSize(1);
    CheckedTrace trace = TraceChecker.check(Files.readAllBytes(traces.get(0)));
    assertThat(trace.durationSlices()).hasSize(5);
    assertThat(trace.tracks().stream().map(t -> t.name()).collect(Collectors.toSet()))
        .contains("frontend", "backend", "mysql");
    assertThat(trace.flows()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"avro", "otlp-proto", "otlp-json", "zipkin-json"})
  void shouldWriteOneCheckedTracePerRequestAndKeepBadRecordsAside(String format) throws IOException {
    List<List<Span>> requests = List.of(
        TestSpans.request(40, 1), TestSpans.request(25, 2), TestSpans.request(12, 3));
    List<Path> inputs = writeInputs(format, requests);
    Path out = dir.resolve("out");
    Path deadLetters = dir.resolve("dead.jsonl");

    List<String> args = new ArrayList<>(List.of("convert", "--format", format, "--gzip",
        "--out", out.toString(), "--dead-letter", deadLetters.toString()));
    inputs.forEach(p -> args.add(p.toString()));
    int exit = Main.run(args.toArray(String[]::new));

    assertThat(exit).isZero();
    Map<String, List<Span>> expected = requests.stream()
        .collect(Collectors.toMap(r -> r.get(0).traceId(), Function.identity()));
    List<Path> traces = files(out);
    assertThat(traces).hasSize(expected.size()).allMatch(p -> p.toString().endsWith(".pftrace.gz"));
    for (Path file : traces) {
      CheckedTrace trace;
      try (InputStream in = Files.newInputStream(file)) {
        trace = TraceChecker.check(in);
      }
      List<CheckedSlice> slices = trace.durationSlices();
      String traceId = (String) slices.get(0).arg("trace_id");
      assertThat(slices.stream().map(s -> s.arg("span_id")).collect(Collectors.toSet()))
          .isEqualTo(expected.get(traceId).stream().map(Span::spanId).collect(Collectors.toSet()));
    }
    List<String> rejected = Files.readAllLines(deadLetters);
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0)).contains("\"reason\"").contains("poison");
  }

  /** Request 0 and 1 share one file (split over two messages for JSON lines), request 2 its own. */
  private List<Path> writeInputs(String format, List<List<Span>> requests) throws IOException {
    List<Path> files = new ArrayList<>();
    List<Span> first = requests.get(0);
    List<Span> halfA = first.subList(0, first.size() / 2);
    List<Span> halfB = new ArrayList<>(first.subList(first.size() / 2, first.size()));
    halfB.addAll(requests.get(1));
    switch (format) {
      case "otlp-json", "zipkin-json" -> {
        Function<List<Span>, byte[]> encode =
            format.equals("otlp-json") ? OtlpEncoder::toJson : ZipkinJsonEncoder::toJson;
        String lines = new String(encode.apply(halfA), StandardCharsets.UTF_8) + "\n"
            + new String(encode.apply(halfB), StandardCharsets.UTF_8) + "\n";
        files.add(Files.writeString(dir.resolve("mixed.jsonl"), lines));
        files.add(Files.write(dir.resolve("third.json"), encode.apply(requests.get(2))));
        files.add(Files.writeString(dir.resolve("poison.json"), "{\"resourceSpans\": [ trunc"));
      }
      default -> {
        Function<List<Span>, byte[]> encode =
            format.equals("avro") ? AvroSpanEncoder::encodeBatch : OtlpEncoder::toProto;
        files.add(Files.write(dir.resolve("a.bin"), encode.apply(halfA)));
        files.add(Files.write(dir.resolve("b.bin"), encode.apply(halfB)));
        files.add(Files.write(dir.resolve("c.bin"), encode.apply(requests.get(2))));
        files.add(Files.write(dir.resolve("poison.bin"), new byte[] {(byte) 0xC3, 1, 7, 7, 7}));
      }
    }
    return files;
  }

  private static List<Path> files(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.sorted().toList();
    }
  }
}
