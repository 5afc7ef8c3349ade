package org.otplatform.common.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.otplatform.common.config.ConfigException;

class CatalogTest {
  @Test
  void builtInCatalogLoads() {
    Catalog catalog = Catalog.load(null);
    assertEquals("kriging", catalog.defaultType());
    assertEquals("kriging", catalog.type("kriging").orElseThrow().services().get(0).name());
    assertEquals(java.time.Duration.ofSeconds(90), catalog.type("kriging").orElseThrow().openTimeout(),
        "default open timeout: the longest service start timeout plus 30 s");
  }

  @Test
  void problemsNameTheirEntry() {
    JsonObject json = new JsonObject("""
        {"defaultType": "missing",
         "types": {
           "a": {"services": [{"name": "Bad Name"}]},
           "b": {"services": [{"name": "x"}, {"name": "x", "command": ["run"]}]},
           "c": {"services": []}
         }}""");
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.parse(json, "test"));
    String m = e.getMessage();
    assertTrue(m.contains("type 'a'") && m.contains("'name' must match"), m);
    assertTrue(m.contains("type 'b', service 'x': needs a 'command'"), m);
    assertTrue(m.contains("type 'b', service 'x' is listed twice"), m);
    assertTrue(m.contains("type 'c': 'services' must be a non-empty array"), m);
    assertTrue(m.contains("defaultType 'missing'"), m);
  }

  @Test
  void unreadableFileIsAConfigError() {
    ConfigException e = assertThrows(ConfigException.class, () -> Catalog.load("/no/such/catalog.json"));
    assertTrue(e.getMessage().contains("/no/such/catalog.json"));
  }
}
