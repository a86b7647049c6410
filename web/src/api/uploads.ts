// The /v1/uploads calls: the server hands out pre-signed URLs, the bytes go straight to storage.

import { apiJson } from './client';
import type { Etags } from './parts';
import { completeBody } from './parts';

export interface PartUrl {
  partNumber: number;
  size: number;
  url: string;
}

export interface SinglePutCreated {
  uploadId: string;
  input: string;
  url: string;
  expiresAt: string;
  headers: Record<string, string>;
}

export interface MultipartCreated {
  uploadId: string;
  input: string;
  partSize: number;
  partCount: number;
  parts: PartUrl[];
  expiresAt: string;
}

export type Created = SinglePutCreated | MultipartCreated;

export function isMultipart(c: Created): c is MultipartCreated {
  return typeof (c as MultipartCreated).partCount === 'number';
}

export interface Completed {
  input: string;
  size: number;
  contentType: string;
}

const path = (id: string) => `/v1/uploads/${encodeURIComponent(id)}`;

export function createUpload(filename: string, contentType: string, size: number, signal?: AbortSignal): Promise<Created> {
  return apiJson<Created>('POST', '/v1/uploads', { filename, contentType, size }, signal);
}

export function partUrls(uploadId: string, partNumbers: number[], signal?: AbortSignal): Promise<{ parts: PartUrl[]; expiresAt: string }> {
  return apiJson('POST', `${path(uploadId)}/parts`, { partNumbers }, signal);
}

export function completeMultipart(uploadId: string, partCount: number, etags: Etags, signal?: AbortSignal): Promise<Completed> {
  return apiJson<Completed>('POST', `${path(uploadId)}/complete`, completeBody(partCount, etags), signal);
}

export function completeSingle(uploadId: string, signal?: AbortSignal): Promise<Completed> {
  return apiJson<Completed>('POST', `${path(uploadId)}/complete`, {}, signal);
}

export function abortUpload(uploadId: string): Promise<void> {
  return apiJson<void>('DELETE', path(uploadId));
}
