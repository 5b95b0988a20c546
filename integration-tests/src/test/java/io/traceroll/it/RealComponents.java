package io.traceroll.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real KRaft broker and one real S3 API server per test class: each test then uses its own
 * application id, topics and bucket, so classes stay independent and setup is paid once per class.
 */
abstract class RealComponents {

  static BrokerFixture broker;
  static S3Fixture s3;

  @BeforeAll
  static void startRealComponents() throws Exception {
    broker = BrokerFixture.start();
    s3 = S3Fixture.start();
  }

  @AfterAll
  static void stopRealComponents() throws Exception {
    // null when startup failed half way: try-with-resources skips those and closes the rest
    try (BrokerFixture b = broker; S3Fixture s = s3) {
      // closed in reverse order
    }
  }
}
