package io.inferencia.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The package rules between and inside the modules, checked on the production classes of all of them (this is
 * the one module that sees them all). The poms keep gpu-actors, persistence and http-edge from depending on one
 * another; these rules also keep each module's packages to their concern: the inference core runs models, the
 * edge speaks HTTP and gRPC over the ports, and only persistence knows S3 and JDBC.
 */
class ModuleRulesTest {
  private static final String PROTOCOLS = "io.inferencia.protocols..";
  private static final String GPU = "io.inferencia.gpu..";
  private static final String PERSISTENCE = "io.inferencia.persistence..";
  private static final String EDGE = "io.inferencia.edge..";
  private static final String NODE = "io.inferencia.node..";
  private static final String[] JDBC = {"java.sql..", "javax.sql..", "com.zaxxer.hikari..", "org.h2..", "org.postgresql.."};
  private static final String[] S3 = {"software.amazon..", "org.gaul..", "org.jclouds.."};
  private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.matches(TEST_JAR))
      .importPackages("io.inferencia");

  @Test
  void protocolsKnowNoOtherModule() {
    check(noClasses().that().resideInAPackage(PROTOCOLS)
        .should().dependOnClassesThat().resideInAnyPackage(GPU, PERSISTENCE, EDGE, NODE));
  }

  @Test
  void protocolsCarryNoAdapterTypes() {
    check(noClasses().that().resideInAPackage(PROTOCOLS)
        .should().dependOnClassesThat().resideInAnyPackage(concat(concat(JDBC, S3), "ai.onnxruntime..")));
  }

  @Test
  void inferenceCoreKnowsOnlyProtocols() {
    check(noClasses().that().resideInAPackage(GPU)
        .should().dependOnClassesThat().resideInAnyPackage(PERSISTENCE, EDGE, NODE));
  }

  @Test
  void inferenceCoreReachesStorageOnlyThroughThePort() {
    check(noClasses().that().resideInAPackage(GPU)
        .should().dependOnClassesThat().resideInAnyPackage(concat(JDBC, S3)));
  }

  @Test
  void persistenceKnowsOnlyProtocols() {
    check(noClasses().that().resideInAPackage(PERSISTENCE)
        .should().dependOnClassesThat().resideInAnyPackage(GPU, EDGE, NODE, "ai.onnxruntime.."));
  }

  @Test
  void edgeKnowsOnlyProtocols() {
    check(noClasses().that().resideInAPackage(EDGE)
        .should().dependOnClassesThat().resideInAnyPackage(GPU, PERSISTENCE, NODE));
  }

  @Test
  void edgeTouchesNeitherStorageNorDatabaseNorRuntime() {
    check(noClasses().that().resideInAPackage(EDGE)
        .should().dependOnClassesThat().resideInAnyPackage(concat(concat(JDBC, S3), "ai.onnxruntime..")));
  }

  @Test
  void edgeReachesJobsOnlyThroughThePort() {
    check(noClasses().that().resideInAPackage(EDGE)
        .should().dependOnClassesThat().resideInAPackage("org.apache.pekko.cluster.sharding.."));
  }

  @Test
  void onlyTheRuntimeTouchesOnnxRuntime() {
    check(noClasses().that().resideOutsideOfPackage("io.inferencia.gpu.runtime..")
        .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime.."));
  }

  @Test
  void onlyTheStorageAdapterTouchesTheS3Sdk() {
    check(noClasses().that().resideOutsideOfPackage("io.inferencia.persistence.storage..")
        .should().dependOnClassesThat().resideInAnyPackage(S3));
  }

  private static void check(ArchRule rule) {
    rule.check(CLASSES);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
