package io.traceroll.archive.manifest;

/**
 * A manifest line (or object) that could not be read; reported, not dropped, so a corrupt manifest
 * is visible to whoever searches.
 *
 * @param line 1-based line number, or 0 when the whole object was unreadable
 */
public record ManifestProblem(String objectKey, int line, String message) {}
