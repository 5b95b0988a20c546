package io.traceroll.generator;

import io.traceroll.generator.ServiceCatalog.Service;
import io.traceroll.span.Attribute;
import io.traceroll.span.Span;
import io.traceroll.span.SpanEvent;
import io.traceroll.span.SpanKind;
import io.traceroll.span.SpanLink;
import io.traceroll.span.StatusCode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Whole user requests through the twelve-service shop of {@link ServiceCatalog}, as the fleet's
 * OpenTelemetry SDKs would report them: a gateway entry span, client/server pairs across services
 * (sequential and parallel fan-out, per-service clock skew), database and Redis client spans,
 * async hand-offs that start a new trace carrying the same {@code request.id}, failures with Java
 * stack traces, threads on JVM services and semantic-convention attributes throughout.
 *
 * <p>Request {@code n} depends only on the seed, {@code n} and its start time, so a failing test or
 * a surprising archive can be regenerated exactly. Not thread-safe: one generator per thread.
 */
public final class RequestGenerator {

  /** The attribute correlating the traces of one request; set on each trace's entry span only. */
  public static final String REQUEST_ID = "request.id";

  private final GeneratorSettings settings;
  private final Clock clock;
  private final long[] skewNanos;
  private long next;

  public RequestGenerator(GeneratorSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    Random fleet = new Random(settings.seed());
    this.skewNanos = new long[ServiceCatalog.SERVICES.size()];
    for (int i = 1; i < skewNanos.length; i++) { // the gateway is the reference clock
      skewNanos[i] = (fleet.nextInt(3001) - 1500) * 1_000L; // NTP keeps hosts within ~1.5 ms
    }
  }

  public GeneratorSettings settings() {
    return settings;
  }

  /** The next request, starting now by the clock. */
  public GeneratedRequest next() {
    Instant now = clock.instant();
    return request(next++, now.getEpochSecond() * 1_000_000_000L + now.getNano());
  }

  /** Request number {@code index} of this seed, starting at {@code startNanos}. */
  public GeneratedRequest request(long index, long startNanos) {
    // java.util.Random scrambles its seed weakly: neighbouring seeds give correlated first draws,
    // so the request number is mixed (murmur3's finalizer) before seeding
    long seed = settings.seed() + index * 0x9E3779B97F4A7C15L;
    seed = (seed ^ (seed >>> 33)) * 0xff51afd7ed558ccdL;
    seed = (seed ^ (seed >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return new Build(new Random(seed ^ (seed >>> 33)), startNanos).run();
  }

  // ---------------------------------------------------------------------------------------------

  /** A span under construction; built into a {@link Span} once errors and lateness are decided. */
  private static final class Node {
    final String traceId;
    final String spanId;
    final Node parent;
    final Service service;
    final String instance;
    final String name;
    final SpanKind kind;
    final long start;
    final long end;
    final long tid;
    final String threadName;
    final List<Attribute> attributes = new ArrayList<>(16);
    final List<SpanEvent> events = new ArrayList<>(1);
    List<SpanLink> links = List.of();
    StatusCode status = StatusCode.UNSET;
    String statusMessage;
    /** The callee's server span, for a client span of a remote call. */
    Node callee;

    Node(String traceId, String spanId, Node parent, Service service, String instance,
        String name, SpanKind kind, long start, long end, long tid, String threadName) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.parent = parent;
      this.service = service;
      this.instance = instance;
      this.name = name;
      this.kind = kind;
      this.start = start;
      this.end = Math.max(start + 1, end);
      this.tid = tid;
      this.threadName = threadName;
    }
  }

  /** A span whose service still does work inside it: children go in [start, end]. */
  private record Work(Node node, long start, long end) {}

  private final class Build {
    private final Random r;
    private final long t0;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Work> queue = new ArrayList<>();
    private final List<String> traceIds = new ArrayList<>(2);
    private final Map<String, List<Attribute>> resources = new HashMap<>();
    private final String requestId;
    private int remaining;

    Build(Random r, long t0) {
      this.r = r;
      this.t0 = t0;
      this.remaining = settings.sizes().draw(r);
      this.requestId = "req_" + hex(r.nextLong()).substring(4) + hex(r.nextLong()).substring(12);
    }

    GeneratedRequest run() {
      Service gateway = ServiceCatalog.get("gateway");
      String endpoint = pick(gateway.endpoints());
      long duration = 5_000_000L + (long) (Math.abs(r.nextGaussian()) * 120_000_000L);
      String traceId = newTraceId();
      Node root = node(traceId, null, gateway, endpoint, SpanKind.SERVER, t0, t0 + duration,
          null);
      serverAttributes(root, gateway, endpoint, 200);
      root.attributes.add(Attribute.of(REQUEST_ID, requestId));
      root.attributes.add(Attribute.of("enduser.id", "u" + (1 + r.nextInt(250_000))));
      remaining--;
      queue.add(new Work(root, root.start, root.end));
      for (int q = 0; q < queue.size() && remaining > 0; q++) {
        expand(queue.get(q));
      }
      // Large requests: loops inside services (N+1 queries, per-item calls) fill the budget.
      while (remaining > 0) {
        loop(queue.get(r.nextInt(queue.size())));
      }
      boolean error = r.nextDouble() < settings.errorRate();
      if (error) {
        fail();
      }
      Service late = r.nextDouble() < settings.lateRate() ? lateService() : null;
      List<Span> onTime = new ArrayList<>(nodes.size());
      List<Span> lateSpans = new ArrayList<>();
      nodes.sort(Comparator.comparingLong(n -> n.end)); // exporters send spans as they end
      for (Node n : nodes) {
        (n.service == late ? lateSpans : onTime).add(build(n));
      }
      return new GeneratedRequest(requestId, traceIds, onTime, lateSpans, error);
    }

    // ---- structure ---------------------------------------------------------------------------

    private enum Child { CACHE, CALL, QUERY, HAND_OFF, INTERNAL }

    private record Planned(Child child, Service callee) {}

    /** Plans the children a service's span makes, within the span budget, then lays them out. */
    private void expand(Work w) {
      Service s = w.node.service;
      List<Planned> plan = new ArrayList<>(8);
      int cost = 0;
      if (s.cache() && cost < remaining) {
        cost += 1;
        plan.add(new Planned(Child.CACHE, null));
      }
      for (String callee : s.calls()) {
        boolean always = s.name().equals("gateway") && callee.equals("auth");
        if ((always || r.nextInt(5) < 2) && cost + 2 <= remaining) {
          cost += 2;
          plan.add(new Planned(Child.CALL, ServiceCatalog.get(callee)));
        }
      }
      if (s.db() != null) {
        int queries = 1 + r.nextInt(3);
        for (int i = 0; i < queries && cost < remaining; i++) {
          cost += 1;
          plan.add(new Planned(Child.QUERY, null));
        }
      }
      if (s.asyncTopic() != null && cost + 2 <= remaining
          && r.nextDouble() < settings.asyncRate()) {
        cost += 2;
        plan.add(new Planned(Child.HAND_OFF, null));
      }
      if (r.nextInt(4) == 0 && cost < remaining) {
        cost += 1;
        plan.add(new Planned(Child.INTERNAL, null));
      }
      boolean parallel = r.nextInt(3) == 0;
      long[] cursor = {0};
      int count = plan.size();
      for (Planned p : plan) {
        switch (p.child()) {
          case CACHE -> cache(w, cursor, count);
          case CALL -> call(w, p.callee(), cursor, count, parallel);
          case QUERY -> query(w, cursor, count, parallel);
          case HAND_OFF -> handOff(w, cursor, count);
          case INTERNAL -> internal(w, cursor, count);
        }
      }
    }

    /** The window of the next child: sequential slots, or overlapping siblings when parallel. */
    private long[] window(Work w, long[] cursor, int count, boolean parallel) {
      long span = Math.max(count, w.end - w.start);
      if (parallel) {
        long s = w.start + (long) (span * 0.05 * r.nextDouble());
        long e = s + Math.max(1, (long) ((w.end - s) * (0.4 + 0.55 * r.nextDouble())));
        return new long[] {s, e};
      }
      long slot = span / Math.max(1, count);
      long s = w.start + cursor[0] * slot + (long) (slot * 0.1 * r.nextDouble());
      long e = s + Math.max(1, (long) (slot * (0.5 + 0.4 * r.nextDouble())));
      cursor[0]++;
      return new long[] {s, Math.min(e, w.end)};
    }

    private void cache(Work w, long[] cursor, int count) {
      long[] t = window(w, cursor, count, false);
      long end = Math.min(t[1], t[0] + 80_000 + r.nextInt(900_000));
      boolean hit = r.nextInt(4) != 0;
      String key = w.node.service.name() + ":" + (1 + r.nextInt(90_000));
      Node n = node(w.node.traceId, w.node, w.node.service, "GET", SpanKind.CLIENT, t[0], end,
          w.node);
      n.attributes.add(Attribute.of("db.system", "redis"));
      n.attributes.add(Attribute.of("db.operation", "GET"));
      n.attributes.add(Attribute.of("db.statement", "GET " + key));
      n.attributes.add(Attribute.of("db.redis.database_index", 0L));
      n.attributes.add(Attribute.of("net.peer.name", "redis-" + w.node.service.name()));
      n.attributes.add(Attribute.of("net.peer.port", 6379L));
      n.attributes.add(Attribute.of("cache.hit", hit));
      remaining--;
    }

    private void query(Work w, long[] cursor, int count, boolean parallel) {
      long[] t = window(w, cursor, count, parallel);
      Service s = w.node.service;
      String table = pick(ServiceCatalog.TABLES.get(s.dbName()));
      String op = switch (r.nextInt(6)) {
        case 0 -> "INSERT";
        case 1 -> "UPDATE";
        default -> "SELECT";
      };
      Node n = node(w.node.traceId, w.node, s, op + " " + s.dbName() + "." + table,
          SpanKind.CLIENT, t[0], t[1], w.node);
      dbAttributes(n, s, op, table);
      remaining--;
    }

    private void dbAttributes(Node n, Service s, String op, String table) {
      n.attributes.add(Attribute.of("db.system", s.db()));
      n.attributes.add(Attribute.of("db.name", s.dbName()));
      n.attributes.add(Attribute.of("db.operation", op));
      n.attributes.add(Attribute.of("db.sql.table", table));
      n.attributes.add(Attribute.of("db.statement", switch (op) {
        case "INSERT" -> "INSERT INTO " + table + " (id, tenant_id, payload, created_at) "
            + "VALUES ($1, $2, $3, now())";
        case "UPDATE" -> "UPDATE " + table + " SET status = $1, updated_at = now() WHERE id = $2";
        default -> "SELECT id, tenant_id, status, payload FROM " + table
            + " WHERE id = $1 AND tenant_id = $2";
      }));
      n.attributes.add(Attribute.of("db.user", s.name() + "_app"));
      n.attributes.add(Attribute.of("net.peer.name", s.db() + "-" + s.dbName() + ".internal"));
      n.attributes.add(Attribute.of("net.peer.port", switch (s.db()) {
        case "mysql" -> 3306L;
        case "mongodb" -> 27017L;
        case "elasticsearch" -> 9200L;
        default -> 5432L;
      }));
      if (op.equals("SELECT")) {
        n.attributes.add(Attribute.of("db.response.returned_rows", (long) r.nextInt(40)));
      }
    }

    private void call(Work w, Service callee, long[] cursor, int count, boolean parallel) {
      long[] t = window(w, cursor, count, parallel);
      Service caller = w.node.service;
      String endpoint = pick(callee.endpoints());
      String clientName = callee.grpc() ? endpoint : endpoint.substring(0, endpoint.indexOf(' '));
      // a parallel fan-out runs on pool threads, not the request thread
      Node client = parallel && w.node.tid != 0
          ? add(new Node(w.node.traceId, newSpanId(), w.node, caller, w.node.instance,
              clientName, SpanKind.CLIENT, t[0], t[1], 20 + r.nextInt(8),
              "ForkJoinPool.commonPool-worker-" + (1 + r.nextInt(8))))
          : node(w.node.traceId, w.node, caller, clientName, SpanKind.CLIENT, t[0], t[1], w.node);
      long latency = Math.max(1, (t[1] - t[0]) / (10 + r.nextInt(20)));
      long skew = skewNanos[index(callee)] - skewNanos[index(caller)];
      long ss = t[0] + latency + skew;
      long se = Math.max(ss + 1, t[1] - latency + skew);
      Node server = node(w.node.traceId, client, callee, endpoint, SpanKind.SERVER, ss, se, null);
      client.callee = server;
      if (callee.grpc()) {
        String[] svcMethod = endpoint.split("/");
        for (Node n : List.of(client, server)) {
          n.attributes.add(Attribute.of("rpc.system", "grpc"));
          n.attributes.add(Attribute.of("rpc.service", svcMethod[0]));
          n.attributes.add(Attribute.of("rpc.method", svcMethod[1]));
          n.attributes.add(Attribute.of("rpc.grpc.status_code", 0L));
        }
        client.attributes.add(Attribute.of("net.peer.name", callee.name() + ".shop.svc"));
        client.attributes.add(Attribute.of("net.peer.port", 8443L));
        server.attributes.add(Attribute.of("net.host.name", server.instance));
        server.attributes.add(Attribute.of("net.host.port", 8443L));
      } else {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String route = endpoint.substring(endpoint.indexOf(' ') + 1);
        String path = route.replace("{id}", Integer.toString(1 + r.nextInt(500_000)));
        client.attributes.add(Attribute.of("http.request.method", method));
        client.attributes.add(Attribute.of("url.full",
            "http://" + callee.name() + ".shop.svc:8080" + path));
        client.attributes.add(Attribute.of("server.address", callee.name() + ".shop.svc"));
        client.attributes.add(Attribute.of("server.port", 8080L));
        client.attributes.add(Attribute.of("net.peer.name", callee.name() + ".shop.svc"));
        client.attributes.add(Attribute.of("http.response.status_code", 200L));
        serverAttributes(server, callee, endpoint, 200);
      }
      remaining -= 2;
      queue.add(new Work(server, server.start, server.end));
    }

    private void serverAttributes(Node n, Service s, String endpoint, long status) {
      String method = endpoint.substring(0, endpoint.indexOf(' '));
      String route = endpoint.substring(endpoint.indexOf(' ') + 1);
      n.attributes.add(Attribute.of("http.request.method", method));
      n.attributes.add(Attribute.of("http.route", route));
      n.attributes.add(Attribute.of("url.path",
          route.replace("{id}", Integer.toString(1 + r.nextInt(500_000)))));
      n.attributes.add(Attribute.of("url.scheme", s.name().equals("gateway") ? "https" : "http"));
      n.attributes.add(Attribute.of("http.response.status_code", status));
      n.attributes.add(Attribute.of("network.protocol.version", r.nextBoolean() ? "1.1" : "2"));
      n.attributes.add(Attribute.of("net.host.name", s.name().equals("gateway")
          ? "api.shop.example" : s.name() + ".shop.svc"));
      n.attributes.add(Attribute.of("client.address",
          "10." + r.nextInt(4) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254))));
      n.attributes.add(Attribute.of("user_agent.original", s.name().equals("gateway")
          ? "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"
          : "okhttp/4.12.0"));
    }

    /** PRODUCER here; the CONSUMER starts a new trace, linked back and carrying the request id. */
    private void handOff(Work w, long[] cursor, int count) {
      long[] t = window(w, cursor, count, false);
      Service s = w.node.service;
      long pe = Math.min(t[1], t[0] + 200_000 + r.nextInt(2_000_000));
      Node producer = node(w.node.traceId, w.node, s, s.asyncTopic() + " publish",
          SpanKind.PRODUCER, t[0], pe, w.node);
      String messageId = hex(r.nextLong());
      producer.attributes.add(Attribute.of("messaging.system", "kafka"));
      producer.attributes.add(Attribute.of("messaging.destination.name", s.asyncTopic()));
      producer.attributes.add(Attribute.of("messaging.operation", "publish"));
      producer.attributes.add(Attribute.of("messaging.message.id", messageId));
      producer.attributes.add(Attribute.of("messaging.kafka.message.key", requestId));

      Service consumerService = ServiceCatalog.get(s.asyncConsumer());
      long skew = skewNanos[index(consumerService)] - skewNanos[index(s)];
      // queued work: often starts after the user already got the response
      long cs = pe + 1_000_000 + r.nextInt(60_000_000) + skew;
      long ce = cs + 2_000_000 + r.nextInt(40_000_000);
      String traceId = newTraceId();
      Node consumer = node(traceId, null, consumerService, s.asyncTopic() + " process",
          SpanKind.CONSUMER, cs, ce, null);
      consumer.links = List.of(new SpanLink(producer.traceId, producer.spanId, List.of()));
      consumer.attributes.add(Attribute.of(REQUEST_ID, requestId));
      consumer.attributes.add(Attribute.of("messaging.system", "kafka"));
      consumer.attributes.add(Attribute.of("messaging.destination.name", s.asyncTopic()));
      consumer.attributes.add(Attribute.of("messaging.operation", "process"));
      consumer.attributes.add(Attribute.of("messaging.message.id", messageId));
      consumer.attributes.add(Attribute.of("messaging.kafka.consumer.group",
          consumerService.name()));
      consumer.attributes.add(Attribute.of("messaging.kafka.destination.partition",
          (long) r.nextInt(12)));
      consumer.attributes.add(Attribute.of("messaging.kafka.message.offset",
          (long) r.nextInt(50_000_000)));
      remaining -= 2;
      queue.add(new Work(consumer, consumer.start, consumer.end));
    }

    private void internal(Work w, long[] cursor, int count) {
      long[] t = window(w, cursor, count, false);
      String op = pick(new String[] {"validate", "serialize response", "apply promotions",
          "render", "map to dto", "authorize"});
      Node n = node(w.node.traceId, w.node, w.node.service, op, SpanKind.INTERNAL, t[0], t[1],
          w.node);
      n.attributes.add(Attribute.of("code.namespace", "io.shop."
          + w.node.service.name().replace("-", "") + ".Handler"));
      n.attributes.add(Attribute.of("code.function", op.replace(' ', '_')));
      remaining--;
      queue.add(new Work(n, n.start, n.end));
    }

    /** One service iterating: N+1 queries or one call per item, sequential within its span. */
    private void loop(Work w) {
      Service s = w.node.service;
      int n = Math.min(remaining, 10 + r.nextInt(190));
      long[] cursor = {0};
      if (s.db() != null) {
        for (int i = 0; i < n && remaining > 0; i++) {
          query(w, cursor, n, false);
        }
      } else if (s.cache()) {
        for (int i = 0; i < n && remaining > 0; i++) {
          cache(w, cursor, n);
        }
      } else if (!s.calls().isEmpty() && remaining >= 2) {
        Service callee = ServiceCatalog.get(pick(s.calls()));
        for (int i = 0; i < n / 2 && remaining >= 2; i++) {
          call(w, callee, cursor, n / 2, false);
        }
      } else {
        for (int i = 0; i < n && remaining > 0; i++) {
          internal(w, cursor, n);
        }
      }
    }

    // ---- errors and lateness -----------------------------------------------------------------

    /**
     * One downstream call fails: the failing span records the exception, and every span up its
     * trace's calling chain turns ERROR (the failure propagated back to the caller).
     */
    private void fail() {
      List<Node> candidates = nodes.stream().filter(n -> n.kind == SpanKind.CLIENT).toList();
      if (candidates.isEmpty()) {
        return;
      }
      Node client = candidates.get(r.nextInt(candidates.size()));
      Node thrower = client.callee != null ? client.callee : client;
      StackTraces.Failure f = client.callee != null
          ? StackTraces.call(thrower.service.name(), r)
          : StackTraces.database(thrower.service.name(), r);
      thrower.status = StatusCode.ERROR;
      thrower.statusMessage = f.type() + ": " + f.message();
      thrower.events.add(new SpanEvent(thrower.end - Math.min(50_000, thrower.end - thrower.start),
          "exception", List.of(
              Attribute.of("exception.type", f.type()),
              Attribute.of("exception.message", f.message()),
              Attribute.of("exception.stacktrace", f.stackTrace()),
              Attribute.of("exception.escaped", true))));
      for (Node n = thrower.parent; n != null; n = n.parent) {
        n.status = StatusCode.ERROR;
        if (n.kind == SpanKind.SERVER || n.kind == SpanKind.CLIENT) {
          n.statusMessage = n == client ? f.httpStatus() + " from " + thrower.service.name()
              : "upstream failed: " + thrower.service.name();
          setStatusCode(n, n.parent == null ? 500 : f.httpStatus());
        }
      }
      if (thrower != client) {
        setStatusCode(thrower, f.httpStatus());
      }
    }

    private void setStatusCode(Node n, long status) {
      for (int i = 0; i < n.attributes.size(); i++) {
        if (n.attributes.get(i).key().equals("http.response.status_code")) {
          n.attributes.set(i, Attribute.of("http.response.status_code", status));
        }
      }
    }

    /** A service other than the gateway whose exporter stalls (the gateway's root stays on time). */
    private Service lateService() {
      List<Service> present = nodes.stream().map(n -> n.service)
          .filter(s -> !s.name().equals("gateway")).distinct().toList();
      return present.isEmpty() ? null : present.get(r.nextInt(present.size()));
    }

    // ---- spans -------------------------------------------------------------------------------

    /** Local child spans run on their parent's thread; entry spans pick a worker thread. */
    private Node node(String traceId, Node parent, Service s, String name, SpanKind kind,
        long start, long end, Node threadOf) {
      String instance;
      long tid = 0;
      String threadName = null;
      if (threadOf != null) {
        instance = threadOf.instance;
        tid = threadOf.tid;
        threadName = threadOf.threadName;
      } else {
        instance = s.name() + "-" + INSTANCE_SUFFIX[r.nextInt(INSTANCE_SUFFIX.length)];
        if (s.jvm() && r.nextDouble() < settings.threadRate()) {
          int worker = 1 + r.nextInt(16);
          tid = 40 + worker;
          threadName = kind == SpanKind.CONSUMER ? "kafka-consumer-" + s.name() + "-" + worker
              : s.grpc() ? "grpc-default-executor-" + worker : "http-nio-8080-exec-" + worker;
        }
      }
      return add(new Node(traceId, newSpanId(), parent, s, instance, name, kind, start, end, tid,
          threadName));
    }

    private Node add(Node n) {
      nodes.add(n);
      return n;
    }

    private Span build(Node n) {
      return Span.builder()
          .traceId(n.traceId).spanId(n.spanId)
          .parentSpanId(n.parent == null ? null : n.parent.spanId)
          .serviceName(n.service.name()).serviceInstance(n.instance).pid(pid(n))
          .tid(n.tid).threadName(n.threadName)
          .name(n.name).kind(n.kind).startNanos(n.start).endNanos(n.end)
          .statusCode(n.status).statusMessage(n.statusMessage)
          .attributes(n.attributes).events(n.events).links(n.links)
          .resourceAttributes(resource(n))
          .build();
    }

    /** JVMs in containers are pid 1; python workers are forked, so their pid varies. */
    private int pid(Node n) {
      return switch (n.service.runtime()) {
        case "java" -> 1;
        case "python" -> 7 + Math.floorMod(n.instance.hashCode(), 400);
        default -> 0;
      };
    }

    private List<Attribute> resource(Node n) {
      return resources.computeIfAbsent(n.instance, i -> {
        Service s = n.service;
        List<Attribute> a = new ArrayList<>(12);
        a.add(Attribute.of("service.name", s.name()));
        a.add(Attribute.of("service.namespace", "shop"));
        a.add(Attribute.of("service.version", s.version()));
        a.add(Attribute.of("service.instance.id", i));
        a.add(Attribute.of("host.name", "ip-10-0-" + Math.floorMod(i.hashCode(), 64) + "-"
            + Math.floorMod(i.hashCode() >> 8, 250) + ".ec2.internal"));
        a.add(Attribute.of("k8s.namespace.name", "shop"));
        a.add(Attribute.of("k8s.pod.name", i));
        a.add(Attribute.of("deployment.environment.name", "production"));
        a.add(Attribute.of("telemetry.sdk.name", "opentelemetry"));
        a.add(Attribute.of("telemetry.sdk.language", s.runtime()));
        a.add(Attribute.of("telemetry.sdk.version", s.jvm() ? "1.44.1" : "1.32.0"));
        int pid = pid(n);
        if (pid != 0) {
          a.add(Attribute.of("process.pid", (long) pid));
        }
        return List.copyOf(a);
      });
    }

    private String newTraceId() {
      String id = hex(r.nextLong()) + hex(r.nextLong() | 1);
      traceIds.add(id);
      return id;
    }

    private String newSpanId() {
      return hex(r.nextLong() | 1); // never all zero
    }

    private String pick(List<String> list) {
      return list.get(r.nextInt(list.size()));
    }

    private String pick(String[] array) {
      return array[r.nextInt(array.length)];
    }
  }

  private static final String[] INSTANCE_SUFFIX = {"7d9f8c6b5-x2kqp", "7d9f8c6b5-m4tzr",
      "7d9f8c6b5-b8wnc"};

  private static int index(Service s) {
    return ServiceCatalog.SERVICES.indexOf(s);
  }

  private static String hex(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }
}
