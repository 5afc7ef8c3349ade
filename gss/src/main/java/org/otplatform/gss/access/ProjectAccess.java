package org.otplatform.gss.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import org.otplatform.common.auth.Principal;

/** Who may open and join which project: AUTH's answer ({@link AuthClient}), asked with the caller's own token. */
public interface ProjectAccess {
  /** The project ({@code id}, {@code name}) when the caller may open it; 403/404 as AUTH says; 503 when it cannot say. */
  Future<JsonObject> project(String name, Principal caller);

  /**
   * The caller's role on the project ({@code owner}, {@code editor} or {@code viewer}) when it is
   * at least {@code role}; empty when none; a failed future (503) when AUTH cannot say.
   */
  Future<Optional<String>> roleOn(String name, Principal caller, String role);

  /** As {@link #roleOn}, by the project's id, which a rename keeps. */
  Future<Optional<String>> roleOnProjectId(String projectId, Principal caller, String role);

  /** The names of the groups the caller is a member of; a failed future (503) when AUTH cannot say. */
  Future<Set<String>> groupsOf(Principal caller);

  /** The ids of every project the caller may see (any role); a failed future (503) when AUTH cannot say. */
  Future<Set<String>> visibleProjectIds(Principal caller);
}
