package io.inferencia.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An overlay as Kubernetes would receive it: rendered by {@code kubectl kustomize} (the real tool; the
 * test fails when it is missing) and parsed into the fabric8 Kubernetes model, one object per document.
 * Kinds the model does not know (KEDA's ScaledObject) stay generic.
 */
public record RenderedManifests(String overlay, String yaml, List<HasMetadata> resources) {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  public static RenderedManifests render(Path k8sDir, String overlay) throws IOException, InterruptedException {
    Path dir = k8sDir.resolve("overlays").resolve(overlay);
    Process kubectl;
    try {
      kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
    } catch (IOException missing) {
      throw new AssertionError("kubectl is needed to render the manifests (apt-get install kubectl): " + missing.getMessage());
    }
    String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0)
      throw new AssertionError("kubectl kustomize " + dir + " failed:\n" + err);
    List<HasMetadata> resources = new ArrayList<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      if (doc.isBlank()) continue;
      resources.add(SERIALIZATION.unmarshal(doc));
    }
    return new RenderedManifests(overlay, out, List.copyOf(resources));
  }

  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <T extends HasMetadata> T one(Class<T> type, String name) {
    return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(overlay + " has no " + type.getSimpleName() + " " + name));
  }

  public List<GenericKubernetesResource> generic(String kind) {
    return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
  }

  public Deployment deployment(String name) {
    return one(Deployment.class, name);
  }

  /** The values a pod of the deployment gets: its ConfigMap and literal env; Secret keys from this overlay's Secret, else "secret". */
  public Map<String, String> environment(String deployment) {
    var container = deployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (var from : container.getEnvFrom())
      if (from.getConfigMapRef() != null) env.putAll(one(ConfigMap.class, from.getConfigMapRef().getName()).getData());
    for (var e : container.getEnv()) {
      if (e.getValue() != null) env.put(e.getName(), e.getValue());
      else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        var ref = e.getValueFrom().getSecretKeyRef();
        env.put(e.getName(), all(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(ref.getName()))
            .findFirst().map(s -> secretValue(s, ref.getKey())).orElse("secret"));
      } else env.put(e.getName(), "(from the pod)");
    }
    return env;
  }

  private static String secretValue(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) return secret.getStringData().get(key);
    String b64 = secret.getData() == null ? null : secret.getData().get(key);
    return b64 == null ? "" : new String(java.util.Base64.getMimeDecoder().decode(b64), StandardCharsets.UTF_8);
  }
}
