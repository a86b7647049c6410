package io.inferencia.node.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped ocr_cls under another name in a test repository: its files linked, its config renamed. */
public final class OcrClsCopy {
  private OcrClsCopy() {}

  /** @param extraConfig config.pbtxt text appended (parameters), or empty */
  public static void add(Path shipped, Path repo, String name, String extraConfig) throws IOException {
    Path dir = Files.createDirectories(repo.resolve(name).resolve("1"));
    Files.createSymbolicLink(dir.resolve("model.onnx"), shipped.resolve("ocr_cls/1/model.onnx"));
    Files.createSymbolicLink(repo.resolve(name).resolve("labels.txt"), shipped.resolve("ocr_cls/labels.txt"));
    Files.writeString(repo.resolve(name).resolve("config.pbtxt"), Files.readString(shipped.resolve("ocr_cls/config.pbtxt"))
        .replace("name: \"ocr_cls\"", "name: \"" + name + "\"") + extraConfig);
  }

  /** A {@code parameters} entry. */
  public static String parameter(String key, String value) {
    return "\nparameters { key: \"" + key + "\" value: { string_value: \"" + value + "\" } }\n";
  }
}
