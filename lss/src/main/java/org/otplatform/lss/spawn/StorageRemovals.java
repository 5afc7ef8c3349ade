package org.otplatform.lss.spawn;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LSS's consumer of AUTH's audit topic (group {@code lss-storage}, so one LSS acts on each): a
 * project deleted with its storage ({@code DELETE /api/v1/projects/{name}?storage=delete}, the
 * record's {@code details.storage}) loses its volumes. A project deleted without it keeps them
 * for an operator to remove or keep.
 */
public final class StorageRemovals {
  private static final Logger LOG = LoggerFactory.getLogger(StorageRemovals.class);
  private final Spawner spawner;

  public StorageRemovals(Spawner spawner) {
    this.spawner = spawner;
  }

  /** One audit record; a failed removal fails the record, which is then tried again. */
  public Future<Void> onRecord(String value) {
    JsonObject event;
    try {
      event = new JsonObject(value);
    } catch (RuntimeException e) {
      LOG.warn("skipping an audit record that is not JSON: {}", e.getMessage());
      return Future.succeededFuture();
    }
    String project = event.getString("subject");
    JsonObject details = event.getValue("details") instanceof JsonObject d ? d : new JsonObject();
    if (!"ProjectDeleted".equals(event.getString("type")) || project == null
        || !"delete".equals(details.getValue("storage"))) {
      return Future.succeededFuture();
    }
    return spawner.removeStorage(project)
        .onSuccess(n -> LOG.info("project {} was deleted with its storage: {} volume(s) removed", project, n))
        .onFailure(e -> LOG.warn("could not remove the volumes of deleted project {}: {}", project, e.getMessage()))
        .mapEmpty();
  }
}
