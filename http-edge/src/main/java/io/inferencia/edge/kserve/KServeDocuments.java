package io.inferencia.edge.kserve;

import io.inferencia.edge.shm.SharedMemoryRegions;
import io.inferencia.edge.shm.ShmOutputs;
import io.inferencia.protocols.inference.InferRequest;
import io.inferencia.protocols.inference.InferResponse;
import io.inferencia.protocols.inference.InferenceDocuments;
import java.util.ArrayList;
import java.util.Map;

/**
 * KServe v2 inference requests and responses as stored documents (the input and result objects of
 * model jobs), with the same codec the REST endpoint uses. {@link #CODEC} is this codec as the port the
 * job worker reads its documents through.
 */
public final class KServeDocuments {
  public static final InferenceDocuments CODEC = new InferenceDocuments() {
    @Override
    public InferRequest request(String model, byte[] body, int headerLength) {
      return KServeDocuments.request(model, body, headerLength);
    }

    @Override
    public byte[] responseJson(InferResponse response) {
      return KServeDocuments.responseJson(response);
    }
  };

  private static final OutputPlan ALL_JSON = new OutputPlan(false, Map.of(), ShmOutputs.NONE);
  /** A stored document is read wherever its job runs, far from any client's shared memory. */
  private static final SharedMemoryRegions NO_SHM =
      SharedMemoryRegions.refusing("a job's input cannot refer to shared memory; upload its tensors instead");

  private KServeDocuments() {}

  /**
   * @param headerLength length of the JSON part; bytes after it are Triton binary tensor data
   *     ({@code body.length} for a plain JSON request)
   */
  public static InferRequest request(String model, byte[] body, int headerLength) {
    return InferRequestJson.decode(model, "", body, headerLength, NO_SHM).request();
  }

  /** The response as plain KServe v2 JSON (every output inline). */
  public static byte[] responseJson(InferResponse response) {
    return InferResponseJson.header(response, ALL_JSON, new ArrayList<>());
  }
}
