package io.inferencia.protocols;

/**
 * Marker for every message that can cross nodes. Bound to jackson-cbor once, in this module's
 * reference.conf, so a message without it fails fast under {@code serialize-messages = on}.
 */
public interface CborSerializable {}
