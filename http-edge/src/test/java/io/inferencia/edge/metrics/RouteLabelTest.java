package io.inferencia.edge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RouteLabelTest {
  @Test
  void namesAndIdsBecomePlaceholders() {
    assertEquals("/v2/models/{model}/infer", RouteLabel.of("/v2/models/ocr_cls/infer"));
    assertEquals("/v2/models/{model}/versions/{version}/infer", RouteLabel.of("/v2/models/ocr_cls/versions/1/infer"));
    assertEquals("/v2/models/{model}", RouteLabel.of("/v2/models/ocr_cls/"));
    assertEquals("/v2/models/stats", RouteLabel.of("/v2/models/stats"));
    assertEquals("/v2/repository/models/{model}/load", RouteLabel.of("/v2/repository/models/vad/load"));
    assertEquals("/v2/systemsharedmemory/region/{region}/register",
        RouteLabel.of("/v2/systemsharedmemory/region/r1/register"));
    assertEquals("/v1/jobs/{id}/events", RouteLabel.of("/v1/jobs/0b9c/events"));
    assertEquals("/v1/uploads/{id}/complete", RouteLabel.of("/v1/uploads/u-1/complete"));
    assertEquals("/v2/health/ready", RouteLabel.of("/v2/health/ready"));
    assertEquals("/metrics", RouteLabel.of("/metrics"));
    assertEquals("/v1/admin/placement", RouteLabel.of("/v1/admin/placement"));
    assertEquals("/v1/admin/nodes", RouteLabel.of("/v1/admin/nodes/"));
    assertEquals("/v1/admin/models/{model}/scaling", RouteLabel.of("/v1/admin/models/ocr_cls/scaling"));
    assertEquals("/v1/admin/nodes/{address}/drain", RouteLabel.of("/v1/admin/nodes/10.0.0.5:2551/drain"));
    assertEquals("/v1/admin/models/{model}/versions/{version}/scaling",
        RouteLabel.of("/v1/admin/models/ocr_cls/versions/3/scaling"));
  }

  @Test
  void pathsTheEdgeDoesNotServeAreOther() {
    assertEquals("other", RouteLabel.of("/"));
    assertEquals("other", RouteLabel.of("/wp-admin/login.php"));
    assertEquals("other", RouteLabel.of("/v2/models/m/made-up"));
    assertEquals("other", RouteLabel.of("/v2/models/m/versions/1/infer/more"));
    assertEquals("other", RouteLabel.of("/v1/jobs/a/b/c"));
    assertEquals("other", RouteLabel.of("/v2/health/whatever"));
    assertEquals("other", RouteLabel.of("/v1/admin"));
    assertEquals("other", RouteLabel.of("/v1/admin/secrets"));
    assertEquals("other", RouteLabel.of("/v1/admin/placement/m"));
    assertEquals("other", RouteLabel.of("/v1/admin/models/m"));
    assertEquals("other", RouteLabel.of("/v1/admin/models/m/versions/1"));
    assertEquals("other", RouteLabel.of("/v1/admin/models/m/x/1/scaling"));
    assertEquals("other", RouteLabel.of("/v1/admin/models/m/versions/1/x/scaling"));
    assertEquals("other", RouteLabel.of("/v1/admin/nodes/n1/scaling"));
  }
}
