package org.otplatform.embedded;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;
import org.otplatform.lss.k8s.FakeKubelet;
import org.otplatform.lss.k8s.PodLogDispatcher;
import org.otplatform.lss.k8s.PodModel;

/**
 * The fabric8 API mock (CRUD mode) with the fake kubelet, for platforms whose LSS runs in
 * kubernetes mode: the LSS's client configures itself from system properties, as it would from a
 * kubeconfig. One per test class.
 */
final class KubernetesApi implements AutoCloseable {
  static final String NAMESPACE = "ot-compute";
  private static final List<String> PROPERTIES = List.of("kubernetes.master", "kubernetes.auth.tryKubeConfig",
      "kubernetes.auth.tryServiceAccount", "kubernetes.namespace");
  private final KubernetesMockServer server;
  final KubernetesClient client;
  private final FakeKubelet kubelet;
  final PodLogDispatcher logs = new PodLogDispatcher();

  KubernetesApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        logs, false);
    server.init();
    client = server.createClient();
    kubelet = new FakeKubelet(client, NAMESPACE, logs).start();
    System.setProperty("kubernetes.master", "http://" + server.getHostName() + ":" + server.getPort());
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty("kubernetes.namespace", NAMESPACE);
  }

  /**
   * The namespace's pods. The API mock stalls for seconds whenever a watch closes, so a list that
   * times out is asked again (three times at most) rather than failing the test.
   */
  List<Pod> pods() {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.pods().inNamespace(NAMESPACE).list().getItems();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("timeout")) {
          throw e;
        }
      }
    }
  }

  /** The pods of one session. */
  List<Pod> pods(String sessionId) {
    return pods().stream().filter(p -> sessionId.equals(p.getMetadata().getLabels().get(PodModel.SESSION))).toList();
  }

  /** Closes kubelet and client and the mock; call after the platform is closed. */
  @Override
  public void close() {
    kubelet.close();
    client.close();
    PROPERTIES.forEach(System::clearProperty);
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // The mock's own shutdown can time out after its watches stall; nothing of ours is left.
      System.err.println("API mock did not shut down cleanly: " + e.getMessage());
    }
  }
}
