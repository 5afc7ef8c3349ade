package org.otplatform.lss.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.otplatform.common.catalog.Storage;

/**
 * Local mode's project volumes: {@code <root>/<project>/<volume>}, made (owner only) on a session's
 * first use, kept across sessions and LSS restarts, removed with the project when it is deleted
 * with its storage — the contract a cluster's volume claims give.
 */
final class ProjectDirectories {
  private final Path root;

  ProjectDirectories(Path root) {
    this.root = root;
  }

  /** The project's directory of this volume, made if missing. */
  Path directory(Storage.ProjectVolume volume) throws IOException {
    Path project = projectDir(volume.project());
    Path dir = project.resolve(volume.storage().volume());
    Files.createDirectories(dir);
    for (Path p : new Path[] {root, project, dir}) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }
    return dir;
  }

  /** Removes the project's directories; yields how many volumes it had. */
  int remove(String project) throws IOException {
    Path dir = projectDir(project);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int volumes;
    try (Stream<Path> inside = Files.list(dir)) {
      volumes = (int) inside.filter(Files::isDirectory).count();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    return volumes;
  }

  /** A project id as a directory name: what could leave {@code root} is refused. */
  private Path projectDir(String project) {
    if (project == null || !project.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException("project id '" + project + "' cannot name a directory");
    }
    return root.resolve(project);
  }
}
