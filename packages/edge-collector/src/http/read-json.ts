import { storableJson } from '../core/storable-text.ts';
import { malformedJson, unsupportedMediaType } from './problem.ts';

// sendBeacon posts text/plain (no CORS preflight), so the body is parsed here, not by a validator
// middleware that would ignore non-JSON content types.
const ACCEPTED_TYPES = new Set(['', 'application/json', 'text/plain']);

export async function readJsonBody(request: Request): Promise<unknown> {
  const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.has(mediaType)) {
    throw unsupportedMediaType('Send application/json or text/plain.');
  }
  const text = await request.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformedJson(error instanceof SyntaxError ? error.message : 'The body is not JSON.');
  }
  return storableJson(parsed);
}
