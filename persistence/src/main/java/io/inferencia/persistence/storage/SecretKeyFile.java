package io.inferencia.persistence.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The embedded server's secret key, generated on first start and kept in {@code <data-dir>/.secret-key}
 * (owner read/write only): a restart must keep the same key, or every stored pre-signed URL and every node
 * holding the key would stop working.
 */
final class SecretKeyFile {
  static final String NAME = ".secret-key";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final int SECRET_BYTES = 30; // 40 base64 characters, the length of an AWS secret key

  private SecretKeyFile() {}

  static String loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(NAME);
    if (Files.exists(file)) return read(file);
    Files.createDirectories(dataDir);
    // Written beside the target and renamed, so a crash never leaves a half-written key behind.
    Path tmp = Files.createTempFile(dataDir, NAME, ".tmp", ownerOnly(dataDir));
    try {
      Files.writeString(tmp, generate(), StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException raced) {
      // another process created it first, on a file system whose rename does not replace: use theirs
    } finally {
      Files.deleteIfExists(tmp);
    }
    return read(file);
  }

  private static String read(Path file) throws IOException {
    String key = Files.readString(file, StandardCharsets.US_ASCII).trim();
    if (key.isEmpty()) throw new IOException(file + " is empty; delete it to generate a new secret key");
    return key;
  }

  private static String generate() {
    byte[] bytes = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static FileAttribute<?>[] ownerOnly(Path dir) {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
  }
}
