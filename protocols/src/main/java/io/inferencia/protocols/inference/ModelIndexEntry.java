package io.inferencia.protocols.inference;

import io.inferencia.protocols.CborSerializable;

/** One row of the repository index; version is empty for a model whose config did not parse. */
public record ModelIndexEntry(String name, String version, ModelState state, String reason)
    implements CborSerializable {}
