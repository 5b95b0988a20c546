package io.traceroll.generator;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The simulated fleet: twelve services, who calls whom, what each stores its data in and where it
 * hands work off asynchronously. Shaped like a small web shop so traces look familiar to an SRE.
 */
final class ServiceCatalog {

  /**
   * @param runtime {@code java} services report threads; others do not
   * @param grpc whether its endpoints are gRPC methods rather than HTTP routes
   * @param db database system ({@code postgresql}, {@code mysql}, {@code mongodb},
   *     {@code elasticsearch}) or null
   * @param cache whether it reads through a Redis cache first
   * @param calls services it may call synchronously
   * @param asyncTopic topic it publishes work to (null: none)
   * @param asyncConsumer service consuming {@code asyncTopic}
   */
  record Service(String name, String runtime, boolean grpc, String db, String dbName,
      boolean cache, List<String> calls, List<String> endpoints, String asyncTopic,
      String asyncConsumer, String version) {

    boolean jvm() {
      return runtime.equals("java");
    }
  }

  static final List<Service> SERVICES = List.of(
      new Service("gateway", "go", false, null, null, false,
          List.of("auth", "users", "orders", "search", "recommendations"),
          List.of("GET /api/v1/orders/{id}", "POST /api/v1/checkout", "GET /api/v1/search",
              "GET /api/v1/home"), null, null, "3.14.2"),
      new Service("auth", "java", false, "postgresql", "auth", true, List.of("users"),
          List.of("POST /oauth2/introspect"), null, null, "2.8.0"),
      new Service("users", "java", false, "postgresql", "users", true, List.of(),
          List.of("GET /users/{id}", "GET /users/{id}/preferences"), null, null, "5.1.3"),
      new Service("orders", "java", false, "postgresql", "orders", false,
          List.of("payments", "inventory", "pricing", "shipping", "users"),
          List.of("POST /orders", "GET /orders/{id}"), "order-events", "notifications", "7.0.1"),
      new Service("payments", "java", true, "postgresql", "payments", false, List.of(),
          List.of("payments.v1.PaymentService/Authorize", "payments.v1.PaymentService/Capture"),
          "payment-events", "notifications", "4.2.9"),
      new Service("inventory", "go", true, "mysql", "inventory", true, List.of(),
          List.of("inventory.v1.InventoryService/Reserve",
              "inventory.v1.InventoryService/GetStock"), null, null, "1.19.0"),
      new Service("shipping", "python", false, "postgresql", "shipping", false, List.of(),
          List.of("POST /shipments/quote"), "shipment-events", "email-worker", "0.9.12"),
      new Service("search", "go", false, "elasticsearch", "products", true,
          List.of("recommendations", "pricing"), List.of("GET /search"), null, null, "2.3.0"),
      new Service("recommendations", "python", true, "mongodb", "recs", true, List.of("pricing"),
          List.of("recs.v1.Recommender/ForUser"), null, null, "1.4.4"),
      new Service("notifications", "java", false, null, null, false, List.of("users"),
          List.of("POST /notify"), "emails", "email-worker", "3.0.0"),
      new Service("pricing", "go", true, null, null, true, List.of(),
          List.of("pricing.v1.PricingService/Quote"), null, null, "6.6.1"),
      new Service("email-worker", "java", false, "postgresql", "email", false, List.of("users"),
          List.of("POST /internal/email"), null, null, "1.0.7"));

  static final Map<String, Service> BY_NAME = SERVICES.stream()
      .collect(Collectors.toUnmodifiableMap(Service::name, Function.identity()));

  static final Map<String, String[]> TABLES = Map.of(
      "auth", new String[] {"sessions", "tokens"},
      "users", new String[] {"users", "preferences", "addresses"},
      "orders", new String[] {"orders", "order_lines", "carts"},
      "payments", new String[] {"payments", "ledger"},
      "inventory", new String[] {"stock", "reservations"},
      "shipping", new String[] {"shipments", "rates"},
      "products", new String[] {"products"},
      "recs", new String[] {"user_vectors"},
      "email", new String[] {"outbox"});

  private ServiceCatalog() {}

  static Service get(String name) {
    return BY_NAME.get(name);
  }
}
