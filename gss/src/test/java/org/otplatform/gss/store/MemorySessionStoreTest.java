package org.otplatform.gss.store;

import org.junit.jupiter.api.BeforeEach;

class MemorySessionStoreTest extends SessionStoreContract {
  private SessionStore store;

  @BeforeEach
  void fresh() {
    store = new MemorySessionStore();
  }

  @Override
  SessionStore store() {
    return store;
  }
}
