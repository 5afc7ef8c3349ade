package org.otplatform.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

class ContractsTest {
  /** Each service's contract reads as snakeyaml's full loader (what Vert.x uses) reads it. */
  @ParameterizedTest
  @ValueSource(strings = {"auth", "gss", "relay", "logger"})
  void aContractReadsAsTheFullLoaderReadsIt(String service) throws Exception {
    String yaml = Files.readString(Path.of("..", service, "src/main/resources/openapi/" + service + ".yaml"));
    JsonObject expected = new JsonObject(Json.encode(new Yaml().load(yaml)));
    JsonObject read = Contracts.parse(yaml);
    assertEquals(expected, read);
    assertEquals("3.1.0", read.getString("openapi").substring(0, 5));
  }

  @org.junit.jupiter.api.Test
  void keysBecomeStringsAndADocumentMustBeAMapping() {
    assertEquals(new JsonObject().put("responses", new JsonObject().put("200", "ok")),
        Contracts.parse("responses:\n  200: ok\n"));
    assertThrows(IllegalArgumentException.class, () -> Contracts.parse("- a\n- b\n"));
  }
}
