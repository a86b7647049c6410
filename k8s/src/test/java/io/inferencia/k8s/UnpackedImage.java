package io.inferencia.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An image tarball, in the OCI image layout (what {@code jib:buildTar} writes for an OCI image) or the
 * {@code docker save} format, unpacked as a container runtime would: its layers applied in order onto one root filesystem (a whiteout file removes what it
 * names), and its config (entrypoint, environment, user, working directory) read from the image.
 */
public record UnpackedImage(boolean ociLayout, Path rootfs, JsonNode config, List<String> layers, List<Long> layerBytes) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static UnpackedImage unpack(Path imageTar, Path into) throws IOException, InterruptedException {
    Path image = Files.createDirectories(into.resolve("image"));
    run("tar", "-xf", imageTar.toString(), "-C", image.toString());
    JsonNode config;
    List<String> layerFiles = new ArrayList<>();
    boolean oci = Files.exists(image.resolve("index.json"));
    if (oci) {
      // OCI image layout: index -> manifest -> config and layers, each a blob named by its digest.
      JsonNode index = JSON.readTree(image.resolve("index.json").toFile());
      JsonNode manifest = JSON.readTree(blob(image, index.get("manifests").get(0).get("digest").asString()).toFile());
      config = JSON.readTree(blob(image, manifest.get("config").get("digest").asString()).toFile());
      for (JsonNode layer : manifest.get("layers"))
        layerFiles.add(image.relativize(blob(image, layer.get("digest").asString())).toString());
    } else {
      // docker save: manifest.json names the config and the layer files.
      JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
      config = JSON.readTree(image.resolve(manifest.get("Config").asString()).toFile());
      for (JsonNode layer : manifest.get("Layers")) layerFiles.add(layer.asString());
    }
    Path rootfs = Files.createDirectories(into.resolve("rootfs"));
    List<String> layers = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (String layer : layerFiles) {
      Path file = image.resolve(layer);
      layers.add(layer);
      sizes.add(Files.size(file));
      // --same-owner and device nodes need root, which starting the image needs anyway.
      run("tar", "--numeric-owner", "--same-owner", "-xf", file.toString(), "-C", rootfs.toString());
      applyWhiteouts(rootfs);
    }
    return new UnpackedImage(oci, rootfs, config.get("config"), List.copyOf(layers), List.copyOf(sizes));
  }

  private static Path blob(Path layout, String digest) {
    String[] algorithmAndHash = digest.split(":", 2);
    return layout.resolve("blobs").resolve(algorithmAndHash[0]).resolve(algorithmAndHash[1]);
  }

  private static void applyWhiteouts(Path rootfs) throws IOException, InterruptedException {
    List<Path> whiteouts;
    try (Stream<Path> all = Files.walk(rootfs)) {
      whiteouts = all.filter(p -> p.getFileName() != null && p.getFileName().toString().startsWith(".wh.")).toList();
    }
    for (Path marker : whiteouts) {
      String name = marker.getFileName().toString().substring(".wh.".length());
      if (!name.equals(".wh..opq")) run("rm", "-rf", marker.resolveSibling(name).toString());
      Files.delete(marker);
    }
  }

  /** The image's entrypoint followed by its cmd. */
  public List<String> command() {
    List<String> command = new ArrayList<>();
    for (String key : List.of("Entrypoint", "Cmd"))
      if (config.hasNonNull(key)) for (JsonNode part : config.get(key)) command.add(part.asString());
    return command;
  }

  /** The image's environment, as NAME=value entries. */
  public Map<String, String> environment() {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    if (config.hasNonNull("Env"))
      for (JsonNode e : config.get("Env")) {
        String entry = e.asString();
        int eq = entry.indexOf('=');
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    return env;
  }

  public String user() {
    return config.path("User").asString("");
  }

  public String workingDir() {
    return config.path("WorkingDir").asString("/");
  }

  static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0)
      throw new IOException(String.join(" ", command) + " failed:\n" + out);
  }
}
