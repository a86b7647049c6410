package io.inferencia.edge.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a caller may do: {@code infer} the /v2 inference calls, {@code jobs} its tenant's /v1 jobs and uploads, {@code admin} the rest. */
public enum Role {
  INFER, JOBS, ADMIN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> of(String name) {
    for (Role r : values()) if (r.label().equals(name.trim().toLowerCase(Locale.ROOT))) return Optional.of(r);
    return Optional.empty();
  }

  /** {@code "infer+jobs"} (also {@code |} or spaces between names); unknown names are refused. */
  public static Set<Role> parseList(String list) {
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : list.split("[+| ]+")) {
      if (part.isBlank()) continue;
      roles.add(of(part).orElseThrow(() -> new IllegalArgumentException(
          "unknown role '" + part + "' (roles: infer, jobs, admin)")));
    }
    return roles;
  }
}
