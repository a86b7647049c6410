package io.inferencia.protocols.inference;

/** Protocol-neutral failure classes; the edges map each to one HTTP status and one gRPC status. */
public enum ErrorKind {
  /** Unknown model or version: HTTP 404, NOT_FOUND. */
  NOT_FOUND,
  /** Wrong tensor name, shape, datatype or content: HTTP 400, INVALID_ARGUMENT. */
  INVALID_ARGUMENT,
  /** Model exists but is not loaded or failed to load: HTTP 503, UNAVAILABLE. */
  UNAVAILABLE,
  /** Queue full or body too large: HTTP 429 (413 for bodies), RESOURCE_EXHAUSTED. */
  RESOURCE_EXHAUSTED,
  /** Waited in the queue past its timeout and was not run: HTTP 504, DEADLINE_EXCEEDED. */
  DEADLINE_EXCEEDED,
  /** The thing to create exists already (a shared memory region's name): HTTP 409, ALREADY_EXISTS. */
  ALREADY_EXISTS,
  /** Refused by the server's policy (client shared memory when it is off): HTTP 403, PERMISSION_DENIED. */
  PERMISSION_DENIED,
  /** Anything else: HTTP 500, INTERNAL. */
  INTERNAL
}
