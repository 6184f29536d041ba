import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookSecretKey } from './webhook-signature.ts';

// Checked against the `standardwebhooks` package, which is what integrators verify with.

const body = JSON.stringify({
  type: 'lead.created',
  timestamp: '2026-11-23T10:00:00.000Z',
  data: { lead: { id: 'lead_1', email: 'ada@acme.com' } },
});
const now = () => Math.floor(Date.now() / 1000);

describe('signWebhook', () => {
  it('signs as the Standard Webhooks package does, and that package verifies it', async () => {
    const secret = generateWebhookSecret();
    const at = now();
    const headers = await signWebhook([secret], 'msg_1', at, body);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(at));
    const reference = new Webhook(secret).sign('msg_1', new Date(at * 1000), body);
    expect(headers['webhook-signature']).toBe(reference);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('lists one signature per secret during a rotation: receivers on either secret accept it', async () => {
    const [next, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = await signWebhook([next, previous], 'msg_2', now(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [next, previous]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(
      WebhookVerificationError,
    );
  });

  it('fails verification for a tampered body and for a stale timestamp', async () => {
    const secret = generateWebhookSecret();
    const headers = await signWebhook([secret], 'msg_3', now(), body);
    expect(() => new Webhook(secret).verify(body.replace('ada', 'eve'), headers)).toThrow(
      WebhookVerificationError,
    );
    const stale = await signWebhook([secret], 'msg_3', now() - 10 * 60, body);
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(WebhookVerificationError);
  });

  it('refuses to sign with something that is not a webhook secret', async () => {
    await expect(signWebhook(['sk_live_abc'], 'msg_4', now(), body)).rejects.toThrow('whsec_');
    await expect(signWebhook([], 'msg_4', now(), body)).rejects.toThrow('No secret');
  });
});

describe('generateWebhookSecret', () => {
  it('makes distinct whsec_ secrets of 32 key bytes', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateWebhookSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(webhookSecretKey(secret)).toHaveLength(32);
    }
  });

  it('reads only secrets of 24–64 key bytes', () => {
    expect(webhookSecretKey(`whsec_${btoa('x'.repeat(23))}`)).toBeNull();
    expect(webhookSecretKey(`whsec_${btoa('x'.repeat(24))}`)).toHaveLength(24);
    expect(webhookSecretKey(`whsec_${btoa('x'.repeat(65))}`)).toBeNull();
    expect(webhookSecretKey('whsec_not base64!')).toBeNull();
    expect(webhookSecretKey(btoa('x'.repeat(32)))).toBeNull();
  });
});
