package io.traceroll.span;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Realistic span sets for tests and benchmarks of every module (shared through proto's test-jar).
 *
 * <p>{@link #request} builds one request through 12 services the way our fleet produces it: a
 * gateway SERVER span, CLIENT/SERVER pairs across services (with per-service clock skew, so a
 * server span may stick out of its client span), parallel fan-out (overlapping siblings), local
 * database and cache calls, async PRODUCER/CONSUMER hops that outlive their parent, threads on the
 * JVM services, real pids on some (two containers both report pid 1), and about 3% errors carrying
 * an OTel {@code exception} event with a Java stack trace. Attribute counts follow OTel semantic
 * conventions (8 to 16 per span, 6 resource attributes). Everything derives from the seed.
 */
public final class TestSpans {
  public static final List<String> SERVICES = List.of(
      "gateway", "auth", "checkout", "cart", "catalog", "pricing", "inventory", "payments",
      "shipping", "notifications", "recommendations", "search");

  /** 2026-01-01T00:00:00Z: epoch nanoseconds like real spans, so wall-clock handling is exercised. */
  public static final long EPOCH_START = 1_767_225_600_000_000_000L;

  private static final String[] ROUTES = {"/api/v1/orders", "/api/v1/cart/{id}", "/api/v1/items",
      "/api/v1/users/{id}", "/api/v1/prices", "/api/v1/stock/{sku}", "/api/v1/search"};
  private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
  private static final String[] DB_OPS = {"SELECT", "INSERT", "UPDATE"};

  private TestSpans() {}

  /** {@code count} spans of one request keyed by its trace id, in generation (not canonical) order. */
  public static List<Span> request(int count, long seed) {
    return new Generator(count, seed).run();
  }

  /** A minimal span for hand-written cases. */
  public static Span span(String service, String spanId, String parentSpanId, long start, long end) {
    return Span.builder().traceId("0af7651916cd43dd8448eb211c80319c").spanId(spanId)
        .parentSpanId(parentSpanId).serviceName(service).name(service + " op")
        .kind(SpanKind.INTERNAL).startNanos(start).endNanos(end).build();
  }

  /** A Java stack trace as {@code Throwable.printStackTrace} prints it, with a cause. */
  public static String javaStackTrace(String exceptionClass, String message, int depth, Random r) {
    StringBuilder sb = new StringBuilder(exceptionClass).append(": ").append(message).append('\n');
    String[] pkgs = {"io.shop.checkout", "io.shop.payments", "io.shop.common.http", "io.shop.db"};
    for (int i = 0; i < depth; i++) {
      String pkg = pkgs[r.nextInt(pkgs.length)];
      String cls = "Service" + (char) ('A' + r.nextInt(8));
      sb.append("\tat ").append(pkg).append('.').append(cls).append(".method")
          .append(r.nextInt(20)).append('(').append(cls).append(".java:")
          .append(10 + r.nextInt(400)).append(")\n");
    }
    sb.append("\tat java.base/java.lang.Thread.run(Thread.java:840)\n");
    sb.append("Caused by: java.net.SocketTimeoutException: Read timed out\n");
    sb.append("\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n");
    sb.append("\t... ").append(depth).append(" more\n");
    return sb.toString();
  }

  private static final class Generator {
    private final int count;
    private final Random r;
    private final String traceId;
    private final long[] skew = new long[SERVICES.size()];
    private final List<Span> out = new ArrayList<>();
    private final List<Work> queue = new ArrayList<>();
    private final HexFormat hex = HexFormat.of();

    private record Work(int service, String spanId, long start, long end) {}

    Generator(int count, long seed) {
      this.count = count;
      this.r = new Random(seed);
      byte[] id = new byte[16];
      r.nextBytes(id);
      this.traceId = hex.formatHex(id);
      for (int i = 1; i < skew.length; i++) {
        skew[i] = (r.nextInt(4001) - 2000) * 1_000L; // +-2ms of NTP drift per service
      }
    }

    List<Span> run() {
      if (count <= 0) {
        return out;
      }
      long t0 = EPOCH_START + (r.nextLong() & 0xffff_ffffL) * 1000L;
      long dur = 50_000_000L + r.nextInt(400_000_000);
      String root = emit(0, null, "GET /api/v1/checkout", SpanKind.SERVER, t0, t0 + dur);
      queue.add(new Work(0, root, t0, t0 + dur));
      for (int q = 0; q < queue.size() && out.size() < count; q++) {
        expand(queue.get(q));
      }
      // a request deeper than wide: keep fanning out from the last spans until the count is met
      while (out.size() < count) {
        expand(queue.get(queue.size() - 1 - r.nextInt(Math.min(queue.size(), 8))));
      }
      return out;
    }

    private void expand(Work w) {
      int children = 1 + r.nextInt(5);
      boolean parallel = r.nextInt(3) == 0;
      long window = Math.max(1, w.end - w.start);
      for (int c = 0; c < children && out.size() < count; c++) {
        long start;
        long end;
        if (parallel) {
          start = w.start + (long) (r.nextDouble() * window * 0.3);
          end = Math.min(w.end, start + 1 + (long) (r.nextDouble() * window * 0.7));
        } else {
          long slot = window / children;
          start = w.start + c * slot + (long) (r.nextDouble() * slot * 0.2);
          end = start + Math.max(1, (long) (r.nextDouble() * slot * 0.8));
        }
        int kind = r.nextInt(10);
        if (kind < 5 && out.size() + 2 <= count) {
          remoteCall(w, start, end);
        } else if (kind < 8) {
          String op = DB_OPS[r.nextInt(DB_OPS.length)];
          emit(w.service, w.spanId, op + " orders", SpanKind.CLIENT, start, end);
        } else if (kind < 9 && out.size() + 2 <= count) {
          asyncHop(w, start);
        } else {
          String id = emit(w.service, w.spanId, "process", SpanKind.INTERNAL, start, end);
          queue.add(new Work(w.service, id, start, end));
        }
      }
    }

    private void remoteCall(Work w, long start, long end) {
      int callee = 1 + r.nextInt(SERVICES.size() - 1);
      String route = ROUTES[r.nextInt(ROUTES.length)];
      String method = METHODS[r.nextInt(METHODS.length)];
      String client = emit(w.service, w.spanId, method + " " + route, SpanKind.CLIENT, start, end);
      long latency = Math.max(1, (end - start) / 20);
      long ss = start + latency + skew[callee] - skew[w.service];
      long se = Math.max(ss, end - latency + skew[callee] - skew[w.service]);
      String server = emit(callee, client, method + " " + route, SpanKind.SERVER, ss, se);
      queue.add(new Work(callee, server, ss, se));
    }

    private void asyncHop(Work w, long start) {
      long pe = start + 20_000 + r.nextInt(200_000);
      String producer = emit(w.service, w.spanId, "publish orders", SpanKind.PRODUCER, start, pe);
      int consumerService = 1 + r.nextInt(SERVICES.size() - 1);
      // consumed after the producing request may already have answered: outlives its parent
      long cs = w.end + r.nextInt(5_000_000) + skew[consumerService] - skew[w.service];
      long ce = cs + 1_000_000 + r.nextInt(30_000_000);
      String consumer = emit(consumerService, producer, "consume orders", SpanKind.CONSUMER, cs, ce);
      queue.add(new Work(consumerService, consumer, cs, ce));
    }

    private String emit(int service, String parent, String name, SpanKind kind, long start, long end) {
      String spanId = hex.formatHex(longBytes(r.nextLong() | 1));
      String svc = SERVICES.get(service);
      boolean error = r.nextInt(33) == 0;
      Span.Builder b = Span.builder().traceId(traceId).spanId(spanId).parentSpanId(parent)
          .traceKey(traceId).serviceName(svc).serviceInstance(svc + "-" + (r.nextInt(3) + 1))
          .name(name).kind(kind).startNanos(start).endNanos(end)
          .statusCode(error ? StatusCode.ERROR : (kind == SpanKind.SERVER ? StatusCode.OK : StatusCode.UNSET))
          .attributes(attributes(kind, name, error))
          .resourceAttributes(resource(service));
      if (service % 4 == 1) { // JVM services report their threads
        int worker = r.nextInt(8);
        b.tid(100 + worker).threadName("http-nio-8080-exec-" + worker);
      }
      if (service == 2 || service == 5) {
        b.pid(1); // two containers, both pid 1
      } else if (service % 3 == 0 && service != 0) {
        b.pid(4000 + service);
      }
      if (error) {
        b.statusMessage("upstream timed out");
        b.events(List.of(new SpanEvent(start + (end - start) / 2, "exception", List.of(
            Attribute.of("exception.type", "java.lang.IllegalStateException"),
            Attribute.of("exception.message", "order " + r.nextInt(100000) + " failed"),
            Attribute.of("exception.stacktrace", javaStackTrace(
                "java.lang.IllegalStateException", "order failed", 8 + r.nextInt(20), r))))));
      } else if (kind == SpanKind.SERVER && r.nextInt(4) == 0) {
        b.events(List.of(new SpanEvent(start + (end - start) / 3, "cache.miss",
            List.of(Attribute.of("cache.key", "sku:" + r.nextInt(10000))))));
      }
      out.add(b.build());
      return spanId;
    }

    private List<Attribute> attributes(SpanKind kind, String name, boolean error) {
      List<Attribute> a = new ArrayList<>(16);
      if (kind == SpanKind.SERVER || kind == SpanKind.CLIENT && name.contains("/")) {
        int sp = name.indexOf(' ');
        a.add(Attribute.of("http.request.method", name.substring(0, sp)));
        a.add(Attribute.of("http.route", name.substring(sp + 1)));
        a.add(Attribute.of("url.scheme", "https"));
        a.add(Attribute.of("server.address", "api.shop.internal"));
        a.add(Attribute.of("server.port", 443L));
        a.add(Attribute.of("network.protocol.version", "1.1"));
        a.add(Attribute.of("http.response.status_code", error ? 503L : 200L));
        a.add(Attribute.of("http.response.body.size", (long) r.nextInt(100_000)));
        a.add(Attribute.of("user_agent.original", "okhttp/4.12.0"));
        a.add(Attribute.of("client.address", "10.0." + r.nextInt(256) + "." + r.nextInt(256)));
        a.add(Attribute.of("shop.order_id", "ord-" + Long.toHexString(r.nextLong())));
        a.add(Attribute.of("shop.cart.items", (long) r.nextInt(20)));
        a.add(Attribute.of("shop.tenant", "tenant-" + r.nextInt(5)));
        if (r.nextBoolean()) {
          a.add(new Attribute("shop.feature_flags", new AttributeValue.ArrayValue(List.of(
              new AttributeValue.StringValue("new-checkout"), new AttributeValue.StringValue("fast-pay")))));
        }
      } else if (kind == SpanKind.CLIENT) {
        a.add(Attribute.of("db.system", "postgresql"));
        a.add(Attribute.of("db.namespace", "orders"));
        a.add(Attribute.of("db.operation.name", name.substring(0, name.indexOf(' '))));
        a.add(Attribute.of("db.query.text", "SELECT * FROM orders WHERE id = $1 AND tenant = $2"));
        a.add(Attribute.of("server.address", "pg-orders.internal"));
        a.add(Attribute.of("server.port", 5432L));
        a.add(Attribute.of("db.response.returned_rows", (long) r.nextInt(50)));
        a.add(Attribute.of("db.client.connection.pool.name", "hikari-1"));
      } else {
        a.add(Attribute.of("code.function.name", "process"));
        a.add(Attribute.of("code.file.path", "src/main/java/io/shop/Worker.java"));
        a.add(Attribute.of("code.line.number", (long) r.nextInt(500)));
        a.add(Attribute.of("messaging.system", "kafka"));
        a.add(Attribute.of("messaging.destination.name", "orders"));
        a.add(Attribute.of("messaging.kafka.offset", (long) r.nextInt(1_000_000)));
        a.add(Attribute.of("shop.batch.ratio", r.nextDouble()));
        a.add(Attribute.of("shop.retry", r.nextInt(10) == 0));
      }
      return a;
    }

    private List<Attribute> resource(int service) {
      String svc = SERVICES.get(service);
      return List.of(
          Attribute.of("service.name", svc),
          Attribute.of("service.version", "1." + service + ".0"),
          Attribute.of("deployment.environment.name", "production"),
          Attribute.of("host.name", "node-" + (service % 5)),
          Attribute.of("telemetry.sdk.language", service % 4 == 1 ? "java" : "go"),
          Attribute.of("telemetry.sdk.version", "1.44.0"));
    }

    private static byte[] longBytes(long v) {
      byte[] b = new byte[8];
      for (int i = 7; i >= 0; i--) {
        b[i] = (byte) v;
        v >>>= 8;
      }
      return b;
    }
  }
}
