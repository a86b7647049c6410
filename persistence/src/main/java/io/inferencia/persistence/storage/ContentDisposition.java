package io.inferencia.persistence.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** An RFC 6266 attachment header: an ASCII fallback name plus the exact name in UTF-8 for clients that read it. */
final class ContentDisposition {
  private ContentDisposition() {}

  static String attachment(String filename) {
    if (filename == null || filename.isBlank()) throw new IllegalArgumentException("the download file name is empty");
    StringBuilder ascii = new StringBuilder();
    for (char c : filename.toCharArray()) ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
    String utf8 = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + utf8;
  }
}
