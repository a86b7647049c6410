package io.inferencia.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the README promises a deployment: its configuration table (variable and default; the node's
 * ConfigurationTableTest ties the table to the shipped .conf files) and the metric names it documents.
 */
public record ReadmeContract(Map<String, String> variables, String text) {
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\| ([^|]*) \\|");

  public static ReadmeContract load(Path readme) throws IOException {
    String text = Files.readString(readme);
    Map<String, String> variables = new LinkedHashMap<>();
    Matcher m = ROW.matcher(text);
    while (m.find()) variables.put(m.group(1), m.group(2).trim());
    return new ReadmeContract(variables, text);
  }

  /** A variable's documented default as a port number. */
  public int defaultPort(String variable) {
    String value = variables.get(variable);
    if (value == null) throw new AssertionError(variable + " is not in the README's configuration table");
    return Integer.parseInt(value.replace("`", "").trim());
  }

  public boolean documentsMetric(String name) {
    return text.contains("`" + name + "`") || text.contains("`" + name + ",") || text.contains(", `" + name + "`");
  }
}
