package io.inferencia.edge.uploads;

import io.inferencia.edge.api.ApiProblem;
import io.inferencia.edge.json.Validated;
import io.inferencia.protocols.storage.CompletedPart;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The request bodies of {@code /v1/uploads}, bound strictly by the shared mapper. Each checks what it can
 * alone in {@code validate}; what depends on the upload (its part count) is checked against its token.
 */
final class UploadBodies {
  private static final Pattern CONTENT_TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*/[a-zA-Z0-9][a-zA-Z0-9!#$&^_.+-]*");
  private static final int MAX_PARTS_PER_CALL = 1000;

  private UploadBodies() {}

  /** The problem type for a body that does not bind, by the field at fault (null: the body as a whole). */
  static String problemType(String field) {
    if (field == null) return "invalid-json";
    return switch (field) {
      case "size" -> "invalid-size";
      case "partNumbers" -> "invalid-part-numbers";
      case "parts" -> "invalid-parts";
      default -> "invalid-request";
    };
  }

  /** {@code POST /v1/uploads}: the file's name (only its last segment is kept), media type and size in bytes. */
  record Create(String filename, String contentType, Long size) implements Validated {
    Create {
      contentType = contentType == null ? null : contentType.trim();
    }

    @Override
    public void validate() {
      required("filename", filename);
      required("contentType", contentType);
      if (!CONTENT_TYPE.matcher(contentType).matches() || contentType.length() > 200)
        throw ApiProblem.badRequest("invalid-content-type", "'" + contentType + "' is not a media type like image/png");
      if (size == null) throw ApiProblem.badRequest("invalid-size", "'size' is required and must be the file's size in bytes");
      if (size < 1) throw ApiProblem.badRequest("invalid-size", "'size' must be at least 1 byte");
    }

    private static void required(String field, String value) {
      if (value == null || value.isBlank())
        throw ApiProblem.badRequest("invalid-request", "'" + field + "' is required and must be a non-empty string");
    }
  }

  /** {@code POST /v1/uploads/{id}/parts}: the parts to sign URLs for. */
  record MoreParts(List<Integer> partNumbers) implements Validated {
    MoreParts {
      partNumbers = partNumbers == null ? null : Collections.unmodifiableList(new ArrayList<>(partNumbers));
    }

    @Override
    public void validate() {
      if (partNumbers == null || partNumbers.isEmpty() || partNumbers.size() > MAX_PARTS_PER_CALL)
        throw invalidNumbers("'partNumbers' must be a list of 1 to " + MAX_PARTS_PER_CALL + " part numbers");
      for (int i = 0; i < partNumbers.size(); i++)
        if (partNumbers.get(i) == null) throw invalidNumbers("'partNumbers[" + i + "]' must be an integer");
    }

    /** The numbers, each a part of an upload of {@code partCount} parts. */
    List<Integer> within(int partCount) {
      for (int n : partNumbers)
        if (n < 1 || n > partCount) throw invalidNumbers("part numbers run from 1 to " + partCount + ", got " + n);
      return partNumbers;
    }

    private static ApiProblem invalidNumbers(String detail) {
      return ApiProblem.badRequest("invalid-part-numbers", detail);
    }
  }

  /** {@code POST /v1/uploads/{id}/complete}: for a multipart upload, every part's ETag in order; none for a single PUT. */
  record Complete(List<Part> parts) implements Validated {
    Complete {
      parts = parts == null ? null : Collections.unmodifiableList(new ArrayList<>(parts));
    }

    @Override
    public void validate() {
      if (parts != null)
        for (int i = 0; i < parts.size(); i++)
          if (parts.get(i) == null) throw invalidParts("'parts[" + i + "]' must be an object");
    }

    /** Exactly parts 1..{@code partCount}, in order, each with the ETag its PUT returned. */
    List<CompletedPart> checked(int partCount) {
      if (parts == null) throw invalidParts("'parts' must be a list of {partNumber, etag}");
      if (parts.size() != partCount)
        throw ApiProblem.badRequest("upload-incomplete", "the upload has " + partCount + " parts, " + parts.size() + " were listed");
      List<CompletedPart> out = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        Part p = parts.get(i);
        if (p.partNumber() == null || p.partNumber() != i + 1 || p.etag() == null || p.etag().isBlank())
          throw invalidParts("'parts' must list partNumber 1.." + partCount + " in order, each with the ETag its PUT returned");
        out.add(new CompletedPart(p.partNumber(), p.etag()));
      }
      return out;
    }

    private static ApiProblem invalidParts(String detail) {
      return ApiProblem.badRequest("invalid-parts", detail);
    }
  }

  record Part(Integer partNumber, String etag) {}
}
