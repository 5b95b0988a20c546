package io.traceroll.generator;

import java.util.List;
import java.util.Random;

/**
 * Failures as real services raise them: an exception type, a message and a Java stack trace in
 * {@code Throwable.printStackTrace} form (frames of our code, of the framework around it, and a
 * cause). Stack traces are what makes error spans large, so their length varies like real ones.
 */
final class StackTraces {

  record Failure(String type, String message, String stackTrace, long httpStatus) {}

  private record Kind(String type, String message, String cause, String causeMessage,
      long httpStatus, String[] library) {}

  private static final List<Kind> DB_FAILURES = List.of(
      new Kind("org.postgresql.util.PSQLException",
          "ERROR: canceling statement due to statement timeout", null, null, 503,
          new String[] {"org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse",
              "org.postgresql.core.v3.QueryExecutorImpl.processResults",
              "org.postgresql.jdbc.PgStatement.executeInternal",
              "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery"}),
      new Kind("java.sql.SQLTransientConnectionException",
          "HikariPool-1 - Connection is not available, request timed out after 30000ms.",
          "java.net.SocketTimeoutException", "Connect timed out", 503,
          new String[] {"com.zaxxer.hikari.pool.HikariPool.createTimeoutException",
              "com.zaxxer.hikari.pool.HikariPool.getConnection",
              "com.zaxxer.hikari.HikariDataSource.getConnection"}));

  private static final List<Kind> CALL_FAILURES = List.of(
      new Kind("io.grpc.StatusRuntimeException", "UNAVAILABLE: io exception",
          "io.netty.channel.AbstractChannel$AnnotatedConnectException",
          "Connection refused: pricing/10.12.4.7:8443", 503,
          new String[] {"io.grpc.stub.ClientCalls.toStatusRuntimeException",
              "io.grpc.stub.ClientCalls.getUnchecked",
              "io.grpc.stub.ClientCalls.blockingUnaryCall"}),
      new Kind("org.springframework.web.client.HttpServerErrorException$ServiceUnavailable",
          "503 Service Unavailable: \"upstream connect error or disconnect/reset before headers\"",
          null, null, 502,
          new String[] {"org.springframework.web.client.DefaultResponseErrorHandler.handleError",
              "org.springframework.web.client.RestTemplate.handleResponse",
              "org.springframework.web.client.RestTemplate.doExecute"}),
      new Kind("java.lang.IllegalStateException", "order %d is already being paid", null, null,
          409, new String[] {"java.util.Optional.orElseThrow"}),
      new Kind("io.github.resilience4j.circuitbreaker.CallNotPermittedException",
          "CircuitBreaker 'payments' is OPEN and does not permit further calls", null, null, 503,
          new String[] {"io.github.resilience4j.circuitbreaker.CallNotPermittedException"
              + ".createCallNotPermittedException",
              "io.github.resilience4j.circuitbreaker.CircuitBreaker.lambda$decorateCheckedSupplier$0"}));

  private static final String[] FRAMEWORK = {
      "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
      "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
      "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:138)",
      "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
      "io.opentelemetry.javaagent.shaded.instrumentation.api.Instrumenter.start(Instrumenter.java:160)",
      "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)",
      "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)",
      "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1791)",
      "java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)",
      "java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:642)",
      "java.base/java.lang.Thread.run(Thread.java:1583)"};

  private static final String[] LAYERS = {"Repository", "Service", "Client", "Controller",
      "Handler", "Validator"};

  private StackTraces() {}

  static Failure database(String service, Random r) {
    return build(service, DB_FAILURES.get(r.nextInt(DB_FAILURES.size())), r);
  }

  static Failure call(String service, Random r) {
    return build(service, CALL_FAILURES.get(r.nextInt(CALL_FAILURES.size())), r);
  }

  private static Failure build(String service, Kind kind, Random r) {
    String message = kind.message.contains("%d")
        ? String.format(kind.message, 100_000 + r.nextInt(900_000)) : kind.message;
    StringBuilder sb = new StringBuilder(2048);
    sb.append(kind.type).append(": ").append(message).append('\n');
    for (String frame : kind.library) {
      sb.append("\tat ").append(frame).append('(').append(simpleFile(frame)).append(':')
          .append(40 + r.nextInt(900)).append(")\n");
    }
    String pkg = "io.shop." + service.replace("-", "");
    int ours = 3 + r.nextInt(9);
    for (int i = 0; i < ours; i++) {
      String cls = capitalize(service.replace("-", "")) + LAYERS[r.nextInt(LAYERS.length)];
      sb.append("\tat ").append(pkg).append('.').append(cls).append('.')
          .append(METHOD_NAMES[r.nextInt(METHOD_NAMES.length)]).append('(').append(cls)
          .append(".java:").append(20 + r.nextInt(400)).append(")\n");
      if (r.nextInt(3) == 0) { // Spring proxies between our layers
        sb.append("\tat ").append(pkg).append('.').append(cls).append("$$SpringCGLIB$$0.")
            .append("invoke(<generated>)\n");
      }
    }
    int framework = 4 + r.nextInt(FRAMEWORK.length - 3);
    for (int i = FRAMEWORK.length - framework; i < FRAMEWORK.length; i++) {
      sb.append("\tat ").append(FRAMEWORK[i]).append('\n');
    }
    if (kind.cause != null) {
      sb.append("Caused by: ").append(kind.cause).append(": ").append(kind.causeMessage)
          .append('\n');
      sb.append("\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)\n");
      sb.append("\tat java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:")
          .append(500 + r.nextInt(100)).append(")\n");
      sb.append("\t... ").append(ours + framework).append(" more\n");
    }
    return new Failure(kind.type, message, sb.toString(), kind.httpStatus);
  }

  private static final String[] METHOD_NAMES = {"load", "findById", "reserve", "charge", "quote",
      "handle", "lambda$process$3", "apply", "validate", "execute", "doCall"};

  private static String simpleFile(String frame) {
    String cls = frame.substring(0, frame.lastIndexOf('.'));
    cls = cls.substring(cls.lastIndexOf('.') + 1);
    int dollar = cls.indexOf('$');
    return (dollar > 0 ? cls.substring(0, dollar) : cls) + ".java";
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
