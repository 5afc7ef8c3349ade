package org.otplatform.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MaskingTest {
  @Test
  void secretsInEveryCommonFormAreMasked() {
    assertEquals("login password=*** user=bob", Masking.mask("login password=hunter2 user=bob"));
    assertEquals("{\"username\":\"bob\",\"password\":\"***\"}",
        Masking.mask("{\"username\":\"bob\",\"password\":\"hunter2\"}"));
    assertEquals("Authorization: Bearer ***", Masking.mask("Authorization: Bearer abc.def-ghi"));
    assertEquals("token: *** ok", Masking.mask("token: 0123456789abcdef ok"));
    assertEquals("api_key=***&x=1", Masking.mask("api_key=s3cr3t&x=1"));
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl";
    assertEquals("got *** back", Masking.mask("got " + jwt + " back"));
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String text = "session 7 ready at 127.0.0.1:4242 with 3 services; tokenizer loaded";
    assertEquals(text, Masking.mask(text));
  }

  @Test
  void recordsKeepTheirKeysAndMaskTheirText() {
    JsonObject record = new JsonObject().put("id", "token=keep-this-id").put("session", "s1")
        .put("message", "secret=abc").put("exception", "IllegalStateException: password=pw1\n\tat x");
    JsonObject masked = Masking.mask(record);
    assertEquals("token=keep-this-id", masked.getString("id"));
    assertEquals("secret=***", masked.getString("message"));
    assertFalse(masked.getString("exception").contains("pw1"));
  }
}
