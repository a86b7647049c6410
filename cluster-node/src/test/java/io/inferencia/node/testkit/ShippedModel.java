package io.inferencia.node.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A shipped model in a test repository: its files linked, its config copied (with parameters appended). */
public final class ShippedModel {
  private ShippedModel() {}

  /** @param extraConfig config.pbtxt text appended (see {@link OcrClsCopy#parameter}), or empty */
  public static void link(Path shipped, Path repo, String name, String extraConfig) throws IOException {
    Path from = shipped.resolve(name);
    Path to = repo.resolve(name);
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else if (p.getFileName().toString().equals("config.pbtxt")) Files.writeString(target, Files.readString(p) + extraConfig);
        else Files.createSymbolicLink(target, p);
      }
    }
  }

  /** Each of {@code names} linked as shipped. */
  public static void linkAll(Path shipped, Path repo, List<String> names) throws IOException {
    for (String name : names) link(shipped, repo, name, "");
  }

  /**
   * The three-node tests' repository: the shipped OCR models with min_replicas 3 (on every node, so the
   * controller releases none of them), and cls_lazy (ocr_cls under another name) with exactly one
   * replica, which the controller keeps somewhere and a drain must hand over.
   */
  public static Path threeNodeRepository(Path shipped, String prefix) throws IOException {
    Path repo = Files.createTempDirectory(prefix);
    String everywhere = OcrClsCopy.parameter("min_replicas", "3") + OcrClsCopy.parameter("max_replicas", "3");
    for (String name : List.of("ocr_cls", "ocr_det", "ocr_rec", "ocr")) link(shipped, repo, name, everywhere);
    OcrClsCopy.add(shipped, repo, "cls_lazy", OcrClsCopy.parameter("min_replicas", "1")
        + OcrClsCopy.parameter("max_replicas", "1"));
    return repo;
  }
}
