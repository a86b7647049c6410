package io.inferencia.node.health;

import io.inferencia.edge.metrics.MetricsRoutes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port ({@code pekko.management.http.routes}), so that every node
 * can be scraped on one port whatever its roles: a gpu-only node has no REST edge, and the placement
 * controller's unmet-demand gauge, which an external autoscaler adds gpu nodes on, lives on a gpu node.
 */
public final class ManagementMetrics implements ManagementRouteProvider {
  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return MetricsRoutes.scrape();
  }
}
