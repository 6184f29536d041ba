import { describe, expect, it } from 'vitest';
import { isIdempotencyKey, keepsAnswer, requestFingerprint } from './idempotency.ts';

describe('Idempotency-Key policy', () => {
  it('takes 1 to 255 printable ASCII characters', () => {
    expect(isIdempotencyKey(crypto.randomUUID())).toBe(true);
    expect(isIdempotencyKey('order 42 / retry')).toBe(true);
    expect(isIdempotencyKey('x'.repeat(255))).toBe(true);
    expect(isIdempotencyKey('')).toBe(false);
    expect(isIdempotencyKey('x'.repeat(256))).toBe(false);
    expect(isIdempotencyKey('tab\there')).toBe(false);
    expect(isIdempotencyKey('clé')).toBe(false);
  });

  it('keeps successes and client errors, never server errors or rate limits', () => {
    expect([200, 201, 204, 400, 404, 409, 422].every(keepsAnswer)).toBe(true);
    expect([429, 500, 502, 503, 302].some(keepsAnswer)).toBe(false);
  });

  it('tells requests apart by method, path and body', () => {
    const base = requestFingerprint('POST', '/v1/costs', '{"a":1}');
    expect(requestFingerprint('post', '/v1/costs', '{"a":1}')).toBe(base);
    expect(requestFingerprint('POST', '/v1/conversions', '{"a":1}')).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/costs', '{"a":2}')).not.toBe(base);
  });
});
