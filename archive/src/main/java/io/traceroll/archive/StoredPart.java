package io.traceroll.archive;

/**
 * One trace part as written to a store.
 *
 * @param objectKey where it is; goes into {@link ManifestEntry#objectKey()}
 * @param bytes its stored (compressed) size; goes into {@link ManifestEntry#bytes()}
 */
public record StoredPart(String traceKey, int part, String objectKey, long bytes) {}
