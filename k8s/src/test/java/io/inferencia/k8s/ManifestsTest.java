package io.inferencia.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both overlays, rendered by kubectl and parsed with the fabric8 model, held against the node's
 * contract: every field is one the Kubernetes API knows, selectors select what they mean to, ports and
 * probes are the node's, every variable is one the README's configuration table lists, and the RBAC
 * grants what Cluster Bootstrap's kubernetes-api discovery asks (listing the pods of its namespace).
 */
class ManifestsTest {
  private static final Path K8S = Path.of(System.getProperty("k8s.dir"));
  private static final Path README = Path.of(System.getProperty("readme"));
  private static final String PART_OF = "app.kubernetes.io/part-of";

  @ParameterizedTest
  @ValueSource(strings = {"local", "production"})
  void everyFieldIsOneTheApiKnows(String overlay) throws Exception {
    RenderedManifests m = RenderedManifests.render(K8S, overlay);
    List<String> unknown = new ArrayList<>();
    for (HasMetadata r : m.resources())
      if (!(r instanceof GenericKubernetesResource))
        UnknownFields.collect(r, r.getKind() + "/" + r.getMetadata().getName(), unknown);
    assertEquals(List.of(), unknown, "fields the Kubernetes model does not know (misspelt or misplaced)");
    Set<String> kinds = Set.copyOf(m.resources().stream().map(HasMetadata::getKind).toList());
    assertTrue(kinds.containsAll(Set.of("ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment", "Service",
        "PodDisruptionBudget", "HorizontalPodAutoscaler")), kinds.toString());
    for (HasMetadata r : m.resources())
      if (!r.getKind().equals("Namespace"))
        assertEquals("inferencia", r.getMetadata().getNamespace(), r.getKind() + " " + r.getMetadata().getName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "production"})
  void selectorsSelectTheirPods(String overlay) throws Exception {
    RenderedManifests m = RenderedManifests.render(K8S, overlay);
    for (Deployment d : m.all(Deployment.class)) {
      Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(labels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()),
          d.getMetadata().getName() + ": its selector does not select its own pods");
      assertEquals("inferencia", labels.get(PART_OF), "Cluster Bootstrap finds the pods by " + PART_OF);
    }
    for (Service s : m.all(Service.class))
      assertFalse(podsOf(m, s.getSpec().getSelector()).isEmpty(), "service " + s.getMetadata().getName() + " selects no pods");
    for (PodDisruptionBudget pdb : m.all(PodDisruptionBudget.class))
      assertEquals(1, podsOf(m, pdb.getSpec().getSelector().getMatchLabels()).size(), "PDB " + pdb.getMetadata().getName());
    for (HorizontalPodAutoscaler hpa : m.all(HorizontalPodAutoscaler.class))
      assertNotNull(m.deployment(hpa.getSpec().getScaleTargetRef().getName()));
    for (GenericKubernetesResource so : m.generic("ScaledObject"))
      assertEquals("gpu", m.deployment(so.get("spec", "scaleTargetRef", "name")).getMetadata().getName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "production"})
  void portsAndProbesAreTheNodes(String overlay) throws Exception {
    RenderedManifests m = RenderedManifests.render(K8S, overlay);
    ReadmeContract readme = ReadmeContract.load(README);
    Map<String, Integer> nodePorts = Map.of("http", readme.defaultPort("HTTP_PORT"), "grpc", readme.defaultPort("GRPC_PORT"),
        "management", readme.defaultPort("MANAGEMENT_PORT"), "remoting", readme.defaultPort("REMOTE_PORT"));
    for (Deployment d : m.all(Deployment.class)) {
      Container c = node(d);
      for (ContainerPort p : c.getPorts())
        assertEquals(nodePorts.get(p.getName()), p.getContainerPort(), d.getMetadata().getName() + " port " + p.getName());
      assertTrue(c.getPorts().stream().anyMatch(p -> p.getName().equals("management")),
          "Cluster Bootstrap probes the port named management");
      assertProbe(c.getReadinessProbe(), "/ready");
      assertProbe(c.getStartupProbe(), "/ready");
      assertProbe(c.getLivenessProbe(), "/alive");
      Long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      assertTrue(grace != null && grace >= 60, "the drain takes up to 55 s before the node leaves: " + grace);
    }
    for (Service s : m.all(Service.class))
      for (var port : s.getSpec().getPorts()) {
        IntOrString target = port.getTargetPort();
        for (Deployment d : podsOf(m, s.getSpec().getSelector()))
          assertTrue(node(d).getPorts().stream().anyMatch(p -> p.getName().equals(target.getStrVal())),
              "service " + s.getMetadata().getName() + " targets " + target + ", which " + d.getMetadata().getName() + " does not name");
      }
    Container gpu = node(m.deployment("gpu"));
    Quantity gpus = gpu.getResources().getLimits().get("nvidia.com/gpu");
    if (overlay.equals("production")) assertEquals("1", gpus == null ? null : gpus.getAmount(), "a gpu pod holds one GPU");
    else assertEquals(null, gpus, "the local overlay runs the gpu role on CPU");
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "production"})
  void everyVariableIsInTheReadmesTable(String overlay) throws Exception {
    RenderedManifests m = RenderedManifests.render(K8S, overlay);
    ReadmeContract readme = ReadmeContract.load(README);
    for (Deployment d : m.all(Deployment.class)) {
      Map<String, String> env = m.environment(d.getMetadata().getName());
      for (String name : env.keySet())
        assertTrue(readme.variables().containsKey(name), d.getMetadata().getName() + " sets " + name
            + ", which the README's configuration table does not list");
      assertEquals("kubernetes-api", env.get("DISCOVERY_METHOD"));
      assertFalse(env.containsKey("SEED_NODES"), "kubernetes-api discovery needs no seed list");
      assertEquals(d.getMetadata().getName(), env.get("NODE_ROLES"));
      // Cluster Bootstrap lists the pods labelled part-of=<service name>: the pods' own label.
      assertEquals(d.getSpec().getTemplate().getMetadata().getLabels().get(PART_OF), env.get("BOOTSTRAP_SERVICE_NAME"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "production"})
  void rbacLetsDiscoveryListItsPods(String overlay) throws Exception {
    RenderedManifests m = RenderedManifests.render(K8S, overlay);
    ServiceAccount account = m.one(ServiceAccount.class, "inferencia");
    for (Deployment d : m.all(Deployment.class))
      assertEquals(account.getMetadata().getName(), d.getSpec().getTemplate().getSpec().getServiceAccountName());
    RoleBinding binding = m.all(RoleBinding.class).get(0);
    assertTrue(binding.getSubjects().stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
        && s.getName().equals(account.getMetadata().getName())
        && s.getNamespace().equals(account.getMetadata().getNamespace())), "the binding names the pods' account");
    Role role = m.one(Role.class, binding.getRoleRef().getName());
    // GET /api/v1/namespaces/{ns}/pods?labelSelector=... is a list of pods in the core group.
    PolicyRule pods = role.getRules().stream().filter(r -> r.getApiGroups().contains("") && r.getResources().contains("pods"))
        .findFirst().orElseThrow(() -> new AssertionError("no rule on pods"));
    assertTrue(pods.getVerbs().containsAll(List.of("get", "list", "watch")), pods.getVerbs().toString());
    assertEquals(1, role.getRules().size(), "the node asks the API for nothing else");
  }

  @ParameterizedTest
  @ValueSource(strings = {"production"})
  void kedaScalesGpuPodsOnMetricsTheNodesServe(String overlay) throws Exception {
    RenderedManifests m = RenderedManifests.render(K8S, overlay);
    ReadmeContract readme = ReadmeContract.load(README);
    GenericKubernetesResource scaled = m.generic("ScaledObject").get(0);
    List<Map<String, Object>> triggers = scaled.get("spec", "triggers");
    assertEquals(2, triggers.size());
    Pattern metric = Pattern.compile("inferencia_[a-z_]+");
    for (Map<String, Object> trigger : triggers) {
      assertEquals("prometheus", trigger.get("type"));
      @SuppressWarnings("unchecked")
      String query = ((Map<String, String>) trigger.get("metadata")).get("query");
      Matcher used = metric.matcher(query);
      while (used.find()) assertTrue(readme.documentsMetric(used.group()), used.group() + " is not a metric the node serves");
    }
    Integer min = scaled.get("spec", "minReplicaCount");
    assertEquals(1, min, "production keeps one gpu pod for synchronous calls");
  }

  private static Container node(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> c.getName().equals("node"))
        .findFirst().orElseThrow();
  }

  private static void assertProbe(Probe probe, String path) {
    assertNotNull(probe);
    assertEquals(path, probe.getHttpGet().getPath());
    assertEquals("management", probe.getHttpGet().getPort().getStrVal());
  }

  private static List<Deployment> podsOf(RenderedManifests m, Map<String, String> selector) {
    return m.all(Deployment.class).stream()
        .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .toList();
  }
}
