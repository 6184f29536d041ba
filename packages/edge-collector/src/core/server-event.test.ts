import type { ServerEvent } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import { planIngest } from './ingest-plan.ts';
import { type ServerEventContext, toServerEventRecord } from './server-event.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const context: ServerEventContext = {
  siteId: 'site_1',
  defaultCountry: 'DE',
  ignored: ['info@*'],
  receivedAt: T0,
  newId: () => 'generated-id',
};
const track = (fields: Partial<ServerEvent>): ServerEvent =>
  ({ type: 'track', name: 'call_completed', ...fields }) as ServerEvent;

async function recordOf(
  event: ServerEvent,
  lead: Parameters<typeof toServerEventRecord>[1] = null,
) {
  const result = await toServerEventRecord(event, lead, context);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.record;
}

async function errorsOf(
  event: ServerEvent,
  lead: Parameters<typeof toServerEventRecord>[1] = null,
) {
  const result = await toServerEventRecord(event, lead, context);
  return result.ok ? [] : result.errors.map((error) => error.path);
}

describe('server events', () => {
  it('are never a bot and name no browser or place, whatever user agent came with them', async () => {
    const record = await recordOf(track({ email: 'ann@acme.com' }));
    const hosts = () => ({ allowedOrigins: ['https://www.acme.com'] });
    const [server] = planIngest([{ ...record, userAgent: 'curl/8.5.0' }], hosts).events;
    expect(server).toMatchObject({ bot: false, deviceType: 'other', browser: null, country: null });
    // The same user agent on a browser's event is a bot's: the payload's mark is what differs.
    const [browser] = planIngest(
      [{ ...record, payload: {}, userAgent: 'curl/8.5.0' }],
      hosts,
    ).events;
    expect(browser!.bot).toBe(true);
  });

  it('about an email land on one synthetic browser per person, which never shows the email', async () => {
    const first = await recordOf(track({ email: ' Ann@Acme.com ', properties: { duration: 5 } }));
    const second = await recordOf(track({ email: 'ann@acme.com', id: 'call-2' }));
    expect(first.anonymousId).toMatch(/^srv_[0-9a-f]{32}$/);
    expect(second.anonymousId).toBe(first.anonymousId);
    expect(first.sessionId).toMatch(/^srvs_[0-9a-f]{32}$/);
    expect(first.sessionId).not.toBe(first.anonymousId);
    expect(JSON.stringify([first.anonymousId, first.sessionId])).not.toContain('ann');
    expect(first).toMatchObject({
      id: 'generated-id',
      type: 'track',
      name: 'call_completed',
      occurredAt: T0,
      pageUrl: '',
      payload: { server: true, traits: { email: 'ann@acme.com' }, properties: { duration: 5 } },
    });
    expect(second.id).toBe('call-2');
    const other = await recordOf(track({ email: 'bob@acme.com' }));
    expect(other.anonymousId).not.toBe(first.anonymousId);
    const elsewhere = await toServerEventRecord(track({ email: 'ann@acme.com' }), null, {
      ...context,
      siteId: 'site_2',
    });
    expect(elsewhere.ok && elsewhere.record.anonymousId).not.toBe(first.anonymousId);
  });

  it('keep the browser they name, and reach a named lead through its own email or phone', async () => {
    const browser = await recordOf(track({ anonymousId: 'll-aid-1' }));
    expect(browser.anonymousId).toBe('ll-aid-1');
    expect(browser.payload.traits).toBeUndefined();

    const byEmail = await recordOf(track({ leadId: 'lead_1' }), {
      email: 'ann@acme.com',
      phone: '+49301234567',
    });
    const asIfEmail = await recordOf(track({ email: 'ann@acme.com' }));
    expect(byEmail.anonymousId).toBe(asIfEmail.anonymousId);
    expect(byEmail.payload.traits).toEqual({ email: 'ann@acme.com' });

    const newPhone = await recordOf(track({ leadId: 'lead_1', phone: '030 7654321' }), {
      email: 'ann@acme.com',
      phone: null,
    });
    expect(newPhone.payload.traits).toEqual({ email: 'ann@acme.com', phone: '+49307654321' });
    const byPhone = await recordOf(track({ leadId: 'lead_1' }), {
      email: null,
      phone: '+49301234567',
    });
    expect(byPhone.payload.traits).toEqual({ phone: '+49301234567' });
  });

  it('are refused, by field, when they identify nobody or come from the future', async () => {
    expect(await errorsOf(track({ email: 'test@test.com' }))).toEqual(['email']);
    expect(await errorsOf(track({ email: 'info@acme.com' }))).toEqual(['email']);
    expect(await errorsOf(track({ phone: '0000000' }))).toEqual(['phone']);
    expect(await errorsOf(track({ leadId: 'lead_gone' }))).toEqual(['leadId']);
    expect(
      await errorsOf(track({ leadId: 'lead_1', email: 'max@acme.com' }), {
        email: 'a@acme.com',
        phone: null,
      }),
    ).toEqual(['leadId']);
    const future = new Date(T0 + 10 * 60_000).toISOString();
    expect(await errorsOf(track({ email: 'ann@acme.com', timestamp: future }))).toEqual([
      'timestamp',
    ]);
    // A server clock a little ahead is dated on arrival; the past is kept as it is.
    const ahead = await recordOf(
      track({ email: 'ann@acme.com', timestamp: new Date(T0 + 60_000).toISOString() }),
    );
    expect(ahead.occurredAt).toBe(T0);
    const past = await recordOf(
      track({ email: 'ann@acme.com', timestamp: '2026-01-02T03:04:05.000Z' }),
    );
    expect(past.occurredAt).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
  });

  it('make no touch: no pageview, so their session has none', async () => {
    const record = await recordOf(track({ email: 'ann@acme.com' }));
    const plan = planIngest([record], () => ({ allowedOrigins: ['https://www.acme.com'] }));
    expect(plan.events[0]).toMatchObject({ bot: false, browser: null, country: null });
    expect(plan.sessions).toEqual([
      expect.objectContaining({ id: record.sessionId, touch: null, touchAt: null }),
    ]);
  });
});
