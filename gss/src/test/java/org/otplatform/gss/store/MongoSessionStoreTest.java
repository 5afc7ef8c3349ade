package org.otplatform.gss.store;

import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.otplatform.common.testing.MongoFixture;

class MongoSessionStoreTest extends SessionStoreContract {
  private MongoFixture fixture;
  private SessionStore store;

  @BeforeEach
  void fresh() throws Exception {
    fixture = new MongoFixture();
    store = new MongoSessionStore(fixture.mongo, Clock.systemUTC());
    MongoFixture.await(store.createIndexes());
  }

  @AfterEach
  void close() throws Exception {
    fixture.close();
  }

  @Override
  SessionStore store() {
    return store;
  }
}
