package io.inferencia.protocols.inference;

/** Lifecycle of one model version, as the repository index reports it. */
public enum ModelState {
  LOADING,
  READY,
  UNLOADING,
  UNAVAILABLE
}
