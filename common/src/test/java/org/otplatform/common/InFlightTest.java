package org.otplatform.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InFlightTest {
  @Test
  void atMostSoManyRunAndAllAreDoneEvenWhenSomeFail() {
    List<Promise<Void>> started = new ArrayList<>();
    Future<Void> all = InFlight.each(IntStream.range(0, 10).boxed().toList(), 3, i -> {
      Promise<Void> p = Promise.promise();
      started.add(p);
      return p.future();
    });
    assertEquals(3, started.size(), "three lanes");
    for (int i = 0; i < 10; i++) {
      assertTrue(started.size() - i <= 3, "never more than three running");
      if (i % 2 == 0) {
        started.get(i).fail("broken");
      } else {
        started.get(i).complete();
      }
    }
    assertTrue(all.succeeded(), "done once every item was, failures included");
    assertEquals(10, started.size());
    assertTrue(InFlight.each(List.of(), 4, x -> Future.succeededFuture()).succeeded());
  }
}
