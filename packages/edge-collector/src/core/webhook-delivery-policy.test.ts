import { utf8ByteLength } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import {
  failedTooLong,
  judgeResponse,
  MAX_BODY_BYTES,
  nextRetryDelay,
  RETRY_DELAYS_SECONDS,
  retryAfterSeconds,
  settleAttempt,
  webhookBody,
} from './webhook-delivery-policy.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');

describe('judgeResponse', () => {
  it.each([
    [200, 'delivered'],
    [202, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [410, 'gone'],
    [301, 'failed'],
    [302, 'failed'],
    [307, 'failed'],
    [400, 'failed'],
    [404, 'failed'],
    [429, 'failed'],
    [500, 'failed'],
    [503, 'failed'],
  ])('reads HTTP %i as %s', (status, kind) => {
    expect(judgeResponse(status, null, NOW).kind).toBe(kind);
  });

  it('says a redirect was not followed, and carries Retry-After', () => {
    expect(judgeResponse(302, null, NOW)).toEqual({
      kind: 'failed',
      reason: 'redirect 302 (not followed)',
    });
    expect(judgeResponse(503, '120', NOW)).toEqual({
      kind: 'failed',
      reason: 'HTTP 503',
      retryAfterSeconds: 120,
    });
  });
});

describe('retryAfterSeconds', () => {
  it('reads delta-seconds and HTTP dates; ignores what it cannot read', () => {
    expect(retryAfterSeconds('30', NOW)).toBe(30);
    expect(retryAfterSeconds('Mon, 23 Nov 2026 10:05:00 GMT', NOW)).toBe(300);
    expect(retryAfterSeconds('Mon, 23 Nov 2026 09:00:00 GMT', NOW)).toBe(0);
    expect(retryAfterSeconds('soon', NOW)).toBeUndefined();
    expect(retryAfterSeconds(null, NOW)).toBeUndefined();
  });
});

describe('nextRetryDelay', () => {
  it('follows the schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt, then dead letter', () => {
    const delays = Array.from({ length: 8 }, (_, index) => nextRetryDelay(index + 1));
    expect(delays).toEqual([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000, null]);
    expect(nextRetryDelay(0)).toBeNull();
  });

  it('waits for Retry-After when it asks for longer, never shorter, within 12 hours', () => {
    expect(nextRetryDelay(1, 60)).toBe(60);
    expect(nextRetryDelay(2, 60)).toBe(300);
    expect(nextRetryDelay(1, 86_400)).toBe(43_200);
    expect(nextRetryDelay(8, 60)).toBeNull();
  });
});

describe('failedTooLong', () => {
  it('disables an endpoint after 5 days of failures, not before', () => {
    const day = 86_400_000;
    expect(failedTooLong(null, NOW)).toBe(false);
    expect(failedTooLong(NOW - 5 * day + 1, NOW)).toBe(false);
    expect(failedTooLong(NOW - 5 * day, NOW)).toBe(true);
  });
});

describe('webhookBody', () => {
  const timestamp = '2026-11-23T10:00:00.000Z';

  it('sends a change whole when it fits', () => {
    const data = { lead: { id: 'lead_1', email: 'ada@acme.com', score: 55 } };
    expect(JSON.parse(webhookBody('lead.created', timestamp, data))).toEqual({
      type: 'lead.created',
      timestamp,
      data,
    });
  });

  it('cuts long texts to stay under 20 KB, and says so', () => {
    const fields = Object.fromEntries(
      Array.from({ length: 40 }, (_, index) => [`answer${index}`, 'ü'.repeat(2_000)]),
    );
    const body = webhookBody('form.submitted', timestamp, { eventId: 'e1', form: { fields } });
    expect(utf8ByteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    const parsed = JSON.parse(body);
    expect(parsed).toMatchObject({
      type: 'form.submitted',
      truncated: true,
      data: { eventId: 'e1' },
    });
    expect(parsed.data.form.fields.answer0).toMatch(/…$/);
  });

  it('keeps the ids when nothing else fits', () => {
    const huge = Object.fromEntries(
      Array.from({ length: 3_000 }, (_, index) => [`k${index}`, 'x']),
    );
    const body = webhookBody('lead.score_changed', timestamp, {
      leadId: 'lead_1',
      current: 70,
      huge,
    });
    expect(utf8ByteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(JSON.parse(body).data).toEqual({ leadId: 'lead_1', current: 70 });
  });
});

describe('settleAttempt', () => {
  const failed = { kind: 'failed' as const, reason: 'HTTP 500' };

  it('walks the schedule: pending with the next delay, then failed after the eighth attempt', () => {
    const delays: (number | null)[] = [];
    for (let round = 1; round <= 8; round++) {
      const settled = settleAttempt(failed, { roundAttempts: round, failingSince: NOW, now: NOW });
      delays.push(settled.retryInSeconds);
      if (round < 8)
        expect(settled).toMatchObject({
          status: 'pending',
          nextAttemptAt: NOW + settled.retryInSeconds! * 1000,
        });
      else expect(settled).toMatchObject({ status: 'failed', nextAttemptAt: null });
    }
    expect(delays).toEqual([...RETRY_DELAYS_SECONDS, null]);
  });

  it('starts the endpoint failing at its first failure and clears it on a success', () => {
    expect(
      settleAttempt(failed, { roundAttempts: 1, failingSince: null, now: NOW }).failingSince,
    ).toBe(NOW);
    expect(
      settleAttempt(failed, { roundAttempts: 1, failingSince: NOW - 1000, now: NOW }).failingSince,
    ).toBe(NOW - 1000);
    expect(
      settleAttempt(
        { kind: 'delivered' },
        { roundAttempts: 3, failingSince: NOW - 1000, now: NOW },
      ),
    ).toEqual({
      status: 'delivered',
      nextAttemptAt: null,
      retryInSeconds: null,
      failingSince: null,
    });
  });

  it('disables on 410 Gone and after five days of failures, not before', () => {
    expect(
      settleAttempt({ kind: 'gone' }, { roundAttempts: 1, failingSince: null, now: NOW }),
    ).toMatchObject({
      status: 'failed',
      disable: 'the endpoint answered 410 Gone',
    });
    const almost = settleAttempt(failed, {
      roundAttempts: 1,
      failingSince: NOW - 5 * 86_400_000 + 1,
      now: NOW,
    });
    expect(almost.status).toBe('pending');
    expect(almost.disable).toBeUndefined();
    expect(
      settleAttempt(failed, { roundAttempts: 1, failingSince: NOW - 5 * 86_400_000, now: NOW }),
    ).toMatchObject({ status: 'failed', disable: 'every attempt failed for 5 days' });
  });

  it('waits at least what Retry-After asks, and follows a custom schedule', () => {
    const later = settleAttempt(
      { ...failed, retryAfterSeconds: 600 },
      { roundAttempts: 1, failingSince: null, now: NOW },
    );
    expect(later.retryInSeconds).toBe(600);
    const quick = { roundAttempts: 1, failingSince: null, now: NOW, schedule: [1, 1] };
    expect(settleAttempt(failed, quick).retryInSeconds).toBe(1);
    expect(settleAttempt(failed, { ...quick, roundAttempts: 3 }).status).toBe('failed');
  });
});
