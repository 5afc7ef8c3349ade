package org.otplatform.common.kafka;

import java.util.Map;

/**
 * Where Kafka is and how to reach it: the bootstrap servers and, with TLS on, the client's TLS
 * settings ({@link org.otplatform.common.tls.TlsSettings#kafka()}), added to every producer,
 * consumer and admin client a service makes.
 */
public record KafkaConnection(String bootstrap, Map<String, String> security) {
  public KafkaConnection {
    security = Map.copyOf(security);
  }

  /** Plain text, no TLS. */
  public static KafkaConnection plain(String bootstrap) {
    return new KafkaConnection(bootstrap, Map.of());
  }

  /** Never the key material: for logs. */
  @Override
  public String toString() {
    return bootstrap + (security.isEmpty() ? "" : " (TLS)");
  }
}
