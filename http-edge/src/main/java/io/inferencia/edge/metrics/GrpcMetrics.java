package io.inferencia.edge.metrics;

import com.google.protobuf.Descriptors;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Histogram;
import kamon.metric.MeasurementUnit;
import kamon.tag.TagSet;
import org.apache.pekko.grpc.ServiceDescription;

/**
 * The gRPC edge's request metrics: calls answered, by method and status code, and their latency. Only
 * the methods of the served services are named; any other path counts as {@link #UNKNOWN_METHOD}, so
 * clients cannot grow the label set by calling made-up methods. Instruments are resolved once per
 * method and status and then reused, so recording a call costs two updates and no lookup in Kamon.
 */
public final class GrpcMetrics {
  /** Names as Prometheus shows them. */
  public static final String REQUESTS = "inferencia_grpc_server_requests_total";
  public static final String DURATION = "inferencia_grpc_server_request_duration_seconds";
  public static final String UNKNOWN_METHOD = "unknown";

  private final Map<String, Method> byPath;
  private final Method unknown = new Method(UNKNOWN_METHOD);

  private GrpcMetrics(Map<String, Method> byPath) {
    this.byPath = byPath;
  }

  /** For the methods of {@code services}. */
  public static GrpcMetrics of(List<ServiceDescription> services) {
    Map<String, Method> byPath = new HashMap<>();
    for (ServiceDescription s : services)
      for (Descriptors.MethodDescriptor m : service(s).getMethods()) {
        String label = s.name() + "/" + m.getName();
        byPath.put("/" + label, new Method(label));
      }
    return new GrpcMetrics(Map.copyOf(byPath));
  }

  private static Descriptors.ServiceDescriptor service(ServiceDescription s) {
    return s.descriptor().getServices().stream().filter(d -> d.getFullName().equals(s.name())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + s.name() + " in " + s.descriptor().getName()));
  }

  /** The method a call's path names ({@code /package.Service/Method}), or the one for unknown methods. */
  public Method method(String path) {
    Method m = byPath.get(path);
    return m == null ? unknown : m;
  }

  /** One method's instruments, one pair per status code once a call ended with it. */
  public static final class Method {
    private final String label;
    private final AtomicReferenceArray<Instruments> byCode = new AtomicReferenceArray<>(Status.Code.values().length);

    private Method(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** One call that ended with {@code code} after {@code nanos}. */
    public void record(Status.Code code, long nanos) {
      Instruments i = byCode.get(code.ordinal());
      if (i == null) {
        // Kamon gives the same instruments for the same tags, so a race only resolves them twice.
        i = Instruments.resolve(label, code);
        byCode.set(code.ordinal(), i);
      }
      i.requests().increment();
      i.duration().record(Math.max(0, nanos));
    }
  }

  private record Instruments(Counter requests, Histogram duration) {
    static Instruments resolve(String method, Status.Code code) {
      TagSet tags = TagSet.of("protocol", "grpc").withTag("method", method).withTag("status", code.name());
      return new Instruments(
          Kamon.counter("inferencia.grpc.server.requests", "gRPC calls answered, by method and status code")
              .withTags(tags),
          Kamon.histogram("inferencia.grpc.server.request.duration",
              "gRPC call latency from request to status (a stream's whole life), by method and status code",
              MeasurementUnit.time().nanoseconds()).withTags(tags));
    }
  }
}
