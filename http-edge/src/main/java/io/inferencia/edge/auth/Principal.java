package io.inferencia.edge.auth;

import io.inferencia.edge.api.ApiProblem;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * An authenticated caller: who (an API key's label or the token's subject), its tenant (absent for a
 * token without the tenant claim: such a caller may infer, but owns no jobs) and its roles.
 */
public record Principal(String subject, Optional<String> tenant, Set<Role> roles) {
  public Principal {
    roles = Set.copyOf(roles);
  }

  /** The caller of a node without credentials configured: the default tenant, every role. */
  static Principal open(String defaultTenant) {
    return new Principal("anonymous", Optional.of(defaultTenant), EnumSet.allOf(Role.class));
  }

  /** @throws ApiProblem 403 unless the caller holds {@code role} */
  public Principal require(Role role) {
    if (!roles.contains(role))
      throw ApiProblem.forbidden("forbidden", "this call needs the '" + role.label() + "' role");
    return this;
  }

  /** The tenant that owns what this caller creates and sees; 403 for a caller without one. */
  public String tenantOrFail() {
    return tenant.orElseThrow(() -> ApiProblem.forbidden("no-tenant",
        "the credentials name no tenant, and jobs and uploads belong to one"));
  }
}
