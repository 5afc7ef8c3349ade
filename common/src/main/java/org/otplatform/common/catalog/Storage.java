package org.otplatform.common.catalog;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * A session type's storage kept per project (as KubeSpawner's per-user PVCs, per project here): a
 * volume created on a session's first use, kept across its sessions, removed only when the project
 * is deleted with its storage. In a cluster a PersistentVolumeClaim mounted at {@code mountPath}; in
 * local mode a directory of the LSS's storage directory. Either way the compute service finds it at
 * {@code OT_STORAGE_DIR}. Types naming the same {@code volume} share it.
 *
 * @param volume the volume's name within the project ({@code volume}, default {@code data})
 * @param mountPath cluster mode: where the container sees it ({@code mountPath}, default {@code /data})
 * @param size cluster mode: the claim's request ({@code size}, default {@code 1Gi})
 * @param storageClass cluster mode: the claim's storage class ({@code storageClass}; null: the
 *     cluster's default)
 * @param accessMode cluster mode: {@code ReadWriteOnce} (default), {@code ReadWriteOncePod} or
 *     {@code ReadWriteMany} (sessions of one project on several nodes at once)
 */
public record Storage(String volume, String mountPath, String size, String storageClass, String accessMode) {
  static final Set<String> ACCESS_MODES = Set.of("ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany");
  /** Paths the platform mounts itself, or the container needs. */
  private static final List<String> TAKEN = List.of("/tmp", "/etc/ot", "/proc", "/sys", "/dev");

  /** The type's {@code storage}, every bad field named in {@code problems}; null when there is none. */
  static Storage parse(JsonObject json, String where, List<String> problems) {
    Object value = json.getValue("storage");
    if (value == null) {
      return null;
    }
    String at = where + ": storage";
    if (!(value instanceof JsonObject s)) {
      problems.add(at + " must be an object");
      return null;
    }
    String volume = text(s, "volume", "data", at, problems);
    if (!volume.matches("[a-z][a-z0-9-]{0,19}")) {
      problems.add(at + ".volume must match [a-z][a-z0-9-]{0,19}, got '" + volume + "'");
    }
    String mountPath = text(s, "mountPath", "/data", at, problems);
    if (!mountPath.matches("(/[A-Za-z0-9._-]+)+") || mountPath.contains("/..")
        || TAKEN.stream().anyMatch(t -> mountPath.equals(t) || mountPath.startsWith(t + "/"))) {
      problems.add(at + ".mountPath must be an absolute path other than " + TAKEN + ", got '" + mountPath + "'");
    }
    String size = text(s, "size", "1Gi", at, problems);
    if (!size.matches("[0-9]+(k|Ki|M|Mi|G|Gi|T|Ti)?")) {
      problems.add(at + ".size is not a quantity: '" + size + "'");
    }
    String storageClass = text(s, "storageClass", null, at, problems);
    if (storageClass != null && !storageClass.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
      problems.add(at + ".storageClass is not a storage class name: '" + storageClass + "'");
    }
    String accessMode = text(s, "accessMode", "ReadWriteOnce", at, problems);
    if (!ACCESS_MODES.contains(accessMode)) {
      problems.add(at + ".accessMode must be one of " + new java.util.TreeSet<>(ACCESS_MODES) + ", got '" + accessMode
          + "'");
    }
    for (String field : s.fieldNames()) {
      if (!Set.of("volume", "mountPath", "size", "storageClass", "accessMode").contains(field)) {
        problems.add(at + " has no field '" + field + "'");
      }
    }
    return new Storage(volume, mountPath, size, storageClass, accessMode);
  }

  private static String text(JsonObject s, String field, String defaultValue, String at, List<String> problems) {
    Object v = s.getValue(field);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof String text) {
      return text;
    }
    problems.add(at + "." + field + " must be a string, got " + v);
    return defaultValue == null ? "" : defaultValue;
  }

  /** This storage as the project of id {@code project} (its id at AUTH, never its name) has it. */
  public ProjectVolume of(String project) {
    return new ProjectVolume(project, this);
  }

  /**
   * One project's volume of a storage: what a compute service of the project's session mounts.
   * Keyed by the project's id, so a project renamed keeps its volume and a new project given a
   * deleted one's name does not inherit it.
   */
  public record ProjectVolume(String project, Storage storage) {}
}
