package io.inferencia.edge.grpc;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.grpc.ServiceDescription;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/**
 * A gRPC service served on the edge's gRPC port besides the inference service: its generated handler
 * (which answers 404 for calls not its own) and its description, whose methods are the only ones the
 * request metrics name.
 */
public record GrpcService(ServiceDescription description, Function<HttpRequest, CompletionStage<HttpResponse>> handler) {}
