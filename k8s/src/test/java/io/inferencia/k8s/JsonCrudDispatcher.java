package io.inferencia.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;

/**
 * The mock API server's CRUD mode with the Content-Type a real API server sends: its answers carry
 * none, and Pekko's kubernetes-api discovery (strict, like any Pekko HTTP unmarshaller) reads only
 * {@code application/json}.
 */
final class JsonCrudDispatcher extends KubernetesCrudDispatcher {
  JsonCrudDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = super.dispatch(request);
    if (response.header("Content-Type") == null) response.setHeader("Content-Type", "application/json");
    return response;
  }
}
