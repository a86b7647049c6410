package io.inferencia.edge.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A parsed Prometheus text exposition: samples with their labels, and each metric's declared type. */
public record PrometheusText(List<Sample> samples, Map<String, String> types) {
  public record Sample(String name, Map<String, String> labels, double value) {}

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        types.put(p[2], p[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        samples.add(sample(line));
      }
    }
    return new PrometheusText(samples, types);
  }

  private static Sample sample(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    Map<String, String> labels = new TreeMap<>();
    String name;
    if (brace < 0 || brace > space) {
      name = line.substring(0, space);
    } else {
      name = line.substring(0, brace);
      String body = line.substring(brace + 1, line.lastIndexOf('}'));
      for (String pair : body.split(",(?=\\w+=\")")) {
        int eq = pair.indexOf('=');
        labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
      }
    }
    return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
  }

  /** The sum of the samples of {@code name} whose labels include {@code labels}; 0 when there are none. */
  public double value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }
}
