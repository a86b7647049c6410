package io.inferencia.gpu.cluster;

/**
 * A replica entity's id, {@code model/version#index}: also its shard's id (one shard per replica, so
 * that the placement controller places each replica on its own).
 */
public record ReplicaId(String model, String version, int index) {
  public ReplicaId {
    if (model.isEmpty() || model.contains("/") || model.contains("#") || version.isEmpty() || index < 0)
      throw new IllegalArgumentException("not a replica id: " + model + "/" + version + "#" + index);
  }

  public static ReplicaId parse(String id) {
    int hash = id.lastIndexOf('#');
    int slash = hash < 0 ? -1 : id.lastIndexOf('/', hash);
    if (hash < 0 || slash < 0) throw new IllegalArgumentException("not a replica id (model/version#index): " + id);
    try {
      return new ReplicaId(id.substring(0, slash), id.substring(slash + 1, hash), Integer.parseInt(id.substring(hash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a replica id (model/version#index): " + id, e);
    }
  }

  /** {@code model/version}, as the placement views key versions. */
  public String versionKey() {
    return model + "/" + version;
  }

  @Override
  public String toString() {
    return model + "/" + version + "#" + index;
  }
}
