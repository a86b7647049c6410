package io.inferencia.edge.grpc;

import io.inferencia.protocols.grpc.ModelMetadataResponse;
import io.inferencia.protocols.grpc.RepositoryIndexResponse;
import io.inferencia.protocols.inference.ModelIndexEntry;
import io.inferencia.protocols.inference.ModelMetadata;
import io.inferencia.protocols.inference.TensorSpec;
import java.util.List;

/** Maps model metadata and the repository index to their gRPC messages. */
final class GrpcMetadata {
  private GrpcMetadata() {}

  static ModelMetadataResponse metadata(ModelMetadata m) {
    ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder()
        .setName(m.name())
        .addAllVersions(m.versions())
        .setPlatform(m.platform());
    for (TensorSpec s : m.inputs()) b.addInputs(tensor(s));
    for (TensorSpec s : m.outputs()) b.addOutputs(tensor(s));
    return b.build();
  }

  private static ModelMetadataResponse.TensorMetadata tensor(TensorSpec s) {
    ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
        .setName(s.name())
        .setDatatype(s.datatype().wireName());
    for (long d : s.shape()) t.addShape(d);
    return t.build();
  }

  static RepositoryIndexResponse index(List<ModelIndexEntry> entries) {
    RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
    for (ModelIndexEntry e : entries) {
      b.addModelsBuilder()
          .setName(e.name())
          .setVersion(e.version())
          .setState(e.state().name())
          .setReason(e.reason() == null ? "" : e.reason());
    }
    return b.build();
  }
}
