import type { Lead } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import type { DomainChange } from './lead-update.ts';
import { planDeliveries, signingSecrets, type WebhookRow, wants } from './webhook-fanout.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');

const webhook = (overrides: Partial<WebhookRow> = {}): WebhookRow => ({
  siteId: 'site_1',
  id: 'wh_1',
  url: 'https://hooks.example.com/leadloop',
  description: '',
  eventTypes: ['*'],
  filters: {},
  secret: 'whsec_current',
  previousSecret: null,
  previousSecretExpiresAt: null,
  enabled: true,
  disabledReason: null,
  failingSince: null,
  createdAt: NOW,
  updatedAt: NOW,
  ...overrides,
});

const touch = (channel: string) => ({ channel }) as Lead['firstTouch'];
const lead = (overrides: Partial<Lead> = {}): Lead =>
  ({
    id: 'lead_1',
    email: 'ada@lovelace.dev',
    status: 'mql',
    score: 60,
    firstTouch: touch('Organic Search'),
    lastTouch: touch('Paid Search'),
    ...overrides,
  }) as Lead;

const change = (overrides: Partial<DomainChange> = {}): DomainChange => ({
  id: 'lead.created:lead_1',
  type: 'lead.created',
  leadId: 'lead_1',
  occurredAt: NOW,
  data: { leadId: 'lead_1' },
  ...overrides,
});

describe('wants', () => {
  it('matches event types, `*` for all', () => {
    expect(wants(webhook(), 'form.submitted', lead())).toBe(true);
    expect(wants(webhook({ eventTypes: ['lead.created'] }), 'form.submitted', lead())).toBe(false);
    expect(wants(webhook({ eventTypes: ['lead.created'] }), 'lead.created', lead())).toBe(true);
  });

  it('sends nothing to a disabled endpoint', () => {
    expect(wants(webhook({ enabled: false }), 'lead.created', lead())).toBe(false);
  });

  it('needs every filter to hold on the lead', () => {
    const filtered = (filters: WebhookRow['filters']) => webhook({ filters });
    expect(wants(filtered({ minScore: 60 }), 'lead.created', lead())).toBe(true);
    expect(wants(filtered({ minScore: 61 }), 'lead.created', lead())).toBe(false);
    expect(wants(filtered({ statuses: ['sql', 'mql'] }), 'lead.created', lead())).toBe(true);
    expect(wants(filtered({ statuses: ['sql'] }), 'lead.created', lead())).toBe(false);
    // Either touch's channel counts.
    expect(wants(filtered({ channels: ['Paid Search'] }), 'lead.created', lead())).toBe(true);
    expect(wants(filtered({ channels: ['Organic Search'] }), 'lead.created', lead())).toBe(true);
    expect(wants(filtered({ channels: ['Email'] }), 'lead.created', lead())).toBe(false);
    expect(
      wants(
        filtered({ minScore: 10, statuses: ['mql'], channels: ['Email'] }),
        'lead.created',
        lead(),
      ),
    ).toBe(false);
  });

  it('passes a change without a lead only when no filter is set', () => {
    expect(wants(webhook(), 'call.clicked', null)).toBe(true);
    expect(wants(webhook({ filters: { minScore: 0 } }), 'call.clicked', null)).toBe(false);
  });

  it('always lets webhook.test through to an enabled endpoint', () => {
    const strict = webhook({ eventTypes: ['lead.created'], filters: { statuses: ['customer'] } });
    expect(wants(strict, 'webhook.test', null)).toBe(true);
  });
});

describe('planDeliveries', () => {
  const id = (webhookId: string, changeId: string) => `${webhookId}|${changeId}`;

  it('makes one delivery per change and matching subscription, sharing one frozen body', () => {
    const hooks = [webhook(), webhook({ id: 'wh_2', eventTypes: ['form.submitted'] })];
    const changes = [
      change(),
      change({ id: 'form.submitted:e1', type: 'form.submitted', data: { eventId: 'e1' } }),
    ];
    const deliveries = planDeliveries(changes, hooks, new Map([['lead_1', lead()]]), id, NOW);
    expect(deliveries.map((d) => d.id)).toEqual([
      'wh_1|lead.created:lead_1',
      'wh_1|form.submitted:e1',
      'wh_2|form.submitted:e1',
    ]);
    expect(deliveries[1]!.body).toBe(deliveries[2]!.body);
    const body = JSON.parse(deliveries[1]!.body);
    expect(body).toEqual({
      type: 'form.submitted',
      timestamp: new Date(NOW).toISOString(),
      data: { eventId: 'e1', lead: expect.objectContaining({ id: 'lead_1', score: 60 }) },
    });
  });

  it('shows a merged lead’s survivor and files the delivery under it', () => {
    const survivor = lead({ id: 'lead_survivor' });
    const [delivery] = planDeliveries(
      [change({ leadId: 'lead_merged' })],
      [webhook()],
      new Map([['lead_merged', survivor]]),
      id,
      NOW,
    );
    expect(delivery!.leadId).toBe('lead_survivor');
    expect(JSON.parse(delivery!.body).data.lead.id).toBe('lead_survivor');
  });

  it('makes nothing when no subscription wants the change', () => {
    const hooks = [webhook({ eventTypes: ['call.clicked'] })];
    expect(planDeliveries([change()], hooks, new Map([['lead_1', lead()]]), id, NOW)).toEqual([]);
  });
});

describe('signingSecrets', () => {
  it('signs with the previous secret too until its grace period ends', () => {
    const rotated = webhook({ previousSecret: 'whsec_old', previousSecretExpiresAt: NOW + 1000 });
    expect(signingSecrets(rotated, NOW)).toEqual(['whsec_current', 'whsec_old']);
    expect(signingSecrets(rotated, NOW + 1000)).toEqual(['whsec_current']);
    expect(signingSecrets(webhook(), NOW)).toEqual(['whsec_current']);
  });
});
