/**
 * Models served by code: the OCR pipeline (backend "ocr_pipeline", {@link
 * io.inferencia.gpu.pipeline.ocr.OcrPipelineFactory}) and the VAD pipeline (backend "vad_pipeline",
 * {@link io.inferencia.gpu.pipeline.vad.VadPipelineFactory}). They call the ONNX models through the
 * {@link io.inferencia.protocols.inference.Inferer} of their {@link io.inferencia.gpu.pipeline.PipelineContext} and do
 * their CPU work on its blocking executor. For audio larger than memory (a job's object-storage input),
 * {@link io.inferencia.gpu.pipeline.vad.StreamingVad} runs the same VAD over a Pekko Streams byte
 * source in bounded memory, with the same results. Triton ensembles (platform "ensemble") are
 * pipelines declared in config alone, built by {@link io.inferencia.gpu.pipeline.ensemble.EnsembleFactory}
 * for every node.
 *
 * <p>Settings, read from {@link io.inferencia.gpu.pipeline.PipelineContext#settings()} with defaults
 * in code when absent:
 *
 * <ul>
 *   <li>{@code pipelines.ocr.max-image-pixels} (40000000): larger images are refused from their header
 *   <li>{@code pipelines.ocr.det-limit-side} (960): longest side the detector sees
 *   <li>{@code pipelines.ocr.unclip-ratio} (2.0): DB box growth; larger keeps narrow word spaces
 *   <li>{@code pipelines.ocr.min-text-confidence} (0.5): lines read with less confidence are dropped
 *   <li>{@code pipelines.vad.max-audio-seconds} (3600): longer audio is refused
 * </ul>
 *
 * <p>config.pbtxt {@code parameters}: ocr takes {@code det_model}, {@code cls_model}, {@code
 * rec_model} and {@code dictionary}; vad_segments takes {@code vad_model}.
 */
package io.inferencia.gpu.pipeline;
