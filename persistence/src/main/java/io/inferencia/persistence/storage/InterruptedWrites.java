package io.inferencia.persistence.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The embedded store writes an object to {@code <key>-<random UUID>} and renames it into place; a node killed
 * mid-write leaves that file behind, and the store then lists it as an object. In a bucket whose keys only
 * the platform chooses (results), no key ends in a UUID, so such files are interrupted writes and removed
 * at start, before anything writes there.
 */
final class InterruptedWrites {
  private static final Pattern TEMPORARY =
      Pattern.compile(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private InterruptedWrites() {}

  /** Deletes the interrupted writes under {@code bucketDir}; returns how many there were. */
  static int removeFrom(Path bucketDir) {
    if (!Files.isDirectory(bucketDir)) return 0;
    try (Stream<Path> files = Files.walk(bucketDir)) {
      List<Path> leftovers = files
          .filter(Files::isRegularFile)
          .filter(f -> TEMPORARY.matcher(f.getFileName().toString()).matches())
          .toList();
      for (Path f : leftovers) Files.deleteIfExists(f);
      return leftovers.size();
    } catch (IOException e) {
      throw new UncheckedIOException("could not clean interrupted writes under " + bucketDir, e);
    }
  }
}
