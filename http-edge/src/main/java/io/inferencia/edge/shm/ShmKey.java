package io.inferencia.edge.shm;

import static io.inferencia.protocols.inference.InferenceException.invalid;

import java.nio.file.Path;

/**
 * A POSIX shared memory object name, as a client passes it to {@code shm_open} ("/name"), and the file
 * Linux keeps that object in. Only a single name under the shared memory directory is accepted, so a
 * key cannot reach any other file.
 */
final class ShmKey {
  private static final int NAME_MAX = 255;

  private ShmKey() {}

  static Path file(Path directory, String key) {
    String name = key.startsWith("/") ? key.substring(1) : key;
    if (name.isEmpty() || name.length() > NAME_MAX || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0
        || name.equals(".") || name.equals(".."))
      throw invalid("shared memory key '" + key + "' is not a POSIX shared memory name ('/' and a name without '/')");
    return directory.resolve(name);
  }
}
