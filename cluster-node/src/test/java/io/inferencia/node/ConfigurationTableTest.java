package io.inferencia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.inferencia.node.testkit.ShippedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table against the shipped .conf files (every module's
 * {@code src/main/resources/*.conf}): each {@code ${?VAR}} they read has a row, each row names a variable
 * they read, and the keys a row names are the ones the variable sets.
 */
class ConfigurationTableTest {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{\\?([A-Z][A-Z0-9_]*)}");
  /** {@code | `VAR` | default | `key`, `key` | meaning |} */
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\|([^|]+)\\|([^|]+)\\|([^|]+)\\|$");
  private static final Pattern KEY = Pattern.compile("`([a-z][a-z0-9.\\-]*)`");

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) dir = dir.getParent();
    if (dir == null) throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    return dir;
  }

  private static Set<String> variablesOfShippedConfs() throws IOException {
    Set<String> found = new TreeSet<>();
    List<Path> confs = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root())) {
      for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
        Path resources = module.resolve("src/main/resources");
        if (!Files.isDirectory(resources)) continue;
        try (Stream<Path> files = Files.list(resources)) {
          confs.addAll(files.filter(f -> f.toString().endsWith(".conf")).toList());
        }
      }
    }
    assertTrue(confs.size() >= 5, "shipped .conf files found: " + confs);
    for (Path conf : confs) {
      for (String line : Files.readAllLines(conf)) {
        String code = line.strip().startsWith("#") ? "" : line;
        Matcher m = VARIABLE.matcher(code);
        while (m.find()) found.add(m.group(1));
      }
    }
    return found;
  }

  /** Variable to the keys its row names, from the README's "Configuration" section. */
  private static Map<String, List<String>> table() throws IOException {
    String readme = Files.readString(root().resolve("README.md"));
    int start = readme.indexOf("\n## Configuration\n");
    assertTrue(start >= 0, "README has a Configuration section");
    int end = readme.indexOf("\n## ", start + 1);
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : readme.substring(start, end < 0 ? readme.length() : end).split("\n")) {
      Matcher row = ROW.matcher(line.strip());
      if (!row.matches()) continue;
      assertFalse(row.group(2).isBlank(), "a default for " + row.group(1));
      assertFalse(row.group(4).isBlank(), "a meaning for " + row.group(1));
      List<String> keys = new ArrayList<>();
      Matcher key = KEY.matcher(row.group(3));
      while (key.find()) keys.add(key.group(1));
      assertFalse(keys.isEmpty(), "the key(s) of " + row.group(1));
      assertEquals(null, rows.put(row.group(1), keys), row.group(1) + " has one row");
    }
    return rows;
  }

  @Test
  void everyVariableOfTheShippedConfsHasARowAndNoOtherDoes() throws IOException {
    Set<String> read = variablesOfShippedConfs();
    Set<String> documented = new TreeSet<>(table().keySet());
    Set<String> undocumented = new TreeSet<>(read);
    undocumented.removeAll(documented);
    Set<String> unread = new TreeSet<>(documented);
    unread.removeAll(read);
    assertEquals(Set.of(), undocumented, "read by a .conf but missing from the README's table");
    assertEquals(Set.of(), unread, "in the README's table but read by no .conf");
  }

  @Test
  void eachRowNamesTheKeysItsVariableSets() throws IOException {
    for (Map.Entry<String, List<String>> row : table().entrySet()) {
      String sentinel = "sentinel-of-" + row.getKey();
      Config config = ShippedConfig.withEnv(Map.of(row.getKey(), sentinel));
      for (String key : row.getValue())
        assertEquals(sentinel, config.getString(key), row.getKey() + " sets " + key);
    }
  }
}
