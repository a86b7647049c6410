package io.inferencia.edge.testkit;

import io.inferencia.protocols.inference.ErrorKind;
import io.inferencia.protocols.inference.InferenceException;
import io.inferencia.protocols.placement.ClusterAdmin;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster of two members by address ({@code pekko://inferencia@10.0.0.1:2551} and {@code ...2:2551}),
 * matched in full or by {@code host:port}, as the node's implementation matches them; a drained member
 * turns Leaving.
 */
public final class FakeCluster implements ClusterAdmin {
  public static final String FIRST = "pekko://inferencia@10.0.0.1:2551";
  public static final String SECOND = "pekko://inferencia@10.0.0.2:2551";
  public final Map<String, String> status = new ConcurrentHashMap<>(Map.of(FIRST, "Up", SECOND, "Up"));

  @Override
  public CompletionStage<Drained> drain(String address) {
    if (!address.contains("@") && !address.matches("[^:/@]+:[0-9]{1,5}"))
      return CompletableFuture.failedFuture(new InferenceException(ErrorKind.INVALID_ARGUMENT,
          "'" + address + "' is not a member address (pekko://system@host:port or host:port)"));
    for (String member : List.of(FIRST, SECOND)) {
      if (member.equals(address) || member.endsWith("@" + address)) {
        String before = status.put(member, "Leaving");
        return CompletableFuture.completedFuture(new Drained(member, before));
      }
    }
    return CompletableFuture.failedFuture(InferenceException.notFound("no cluster member at '" + address + "'"));
  }
}
