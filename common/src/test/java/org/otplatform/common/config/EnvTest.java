package org.otplatform.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
  @Test
  void defaultsApplyWhenUnset() {
    Env env = new Env(Map.of());
    assertEquals(8091, env.port("OT_GSS_PORT", 8091));
    assertEquals(Duration.ofSeconds(5), env.seconds("OT_X", Duration.ofSeconds(5)));
    assertTrue(env.bool("OT_Y", true));
    env.validate();
  }

  @Test
  void everyBadValueIsNamedInOneMessage() {
    Env env = new Env(Map.of("OT_GSS_PORT", "http", "OT_AUTH_PORT", "70000", "OT_FLAG", "maybe",
        "OT_WAIT", "-3", "OT_URL", "ftp://x"));
    env.port("OT_GSS_PORT", 8091);
    env.port("OT_AUTH_PORT", 8092);
    env.bool("OT_FLAG", false);
    env.seconds("OT_WAIT", Duration.ofSeconds(1));
    env.url("OT_URL", "http://localhost");
    env.required("OT_SECRET");
    ConfigException e = assertThrows(ConfigException.class, env::validate);
    for (String name : new String[] {"OT_GSS_PORT", "OT_AUTH_PORT", "OT_FLAG", "OT_WAIT", "OT_URL", "OT_SECRET"}) {
      assertTrue(e.getMessage().contains(name), () -> name + " missing from: " + e.getMessage());
    }
    assertEquals(6, e.problems().size());
  }

  @Test
  void commonConfigRedactsMongoPasswords() {
    CommonConfig c = CommonConfig.from(new Env(Map.of("OT_MONGO_URI", "mongodb://ot:s3cret@db:27017")), "gss");
    assertEquals("mongodb://ot:***@db:27017", c.redactedMongoUri());
  }

  @Test
  void commonConfigChecksKafkaAndMongoAddresses() {
    Env env = new Env(Map.of("OT_KAFKA_BOOTSTRAP", "localhost", "OT_MONGO_URI", "postgres://x"));
    CommonConfig.from(env, "gss");
    ConfigException e = assertThrows(ConfigException.class, env::validate);
    assertTrue(e.getMessage().contains("OT_KAFKA_BOOTSTRAP"));
    assertTrue(e.getMessage().contains("OT_MONGO_URI"));
  }

  @Test
  void aBadValueReadAfterValidationStillFails() {
    Env env = new Env(Map.of("OT_X_SECONDS", "soon"));
    env.validate();
    ConfigException e = assertThrows(ConfigException.class, () -> env.seconds("OT_X_SECONDS", Duration.ZERO));
    assertTrue(e.getMessage().contains("OT_X_SECONDS"), e.getMessage());
  }
}
