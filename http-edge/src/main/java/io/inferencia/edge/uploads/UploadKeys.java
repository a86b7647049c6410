package io.inferencia.edge.uploads;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Object keys for uploads, always chosen by the server: {@code <tenant>/<yyyy>/<mm>/<dd>/<uuid>/<name>}
 * where only a sanitised base name of the client's filename survives. Jobs may only point under the
 * caller's own {@link #tenantPrefix}.
 */
public final class UploadKeys {
  private static final int MAX_NAME = 100;

  private UploadKeys() {}

  public static String tenantPrefix(String tenant) {
    return tenant + "/";
  }

  public static String newKey(String tenant, String filename) {
    LocalDate d = LocalDate.now(ZoneOffset.UTC);
    return String.format("%s%04d/%02d/%02d/%s/%s", tenantPrefix(tenant), d.getYear(), d.getMonthValue(),
        d.getDayOfMonth(), UUID.randomUUID(), safeName(filename));
  }

  /** The last path element, with anything but letters, digits, '.', '-' and '_' replaced; never empty or dots only. */
  public static String safeName(String filename) {
    String base = filename == null ? "" : filename.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    StringBuilder out = new StringBuilder();
    for (char c : base.toCharArray()) out.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '-' || c == '_' ? c : '_');
    String name = out.length() > MAX_NAME ? out.substring(out.length() - MAX_NAME) : out.toString();
    return name.isEmpty() || name.chars().allMatch(c -> c == '.') ? "upload" : name;
  }
}
