// biome-ignore-all lint/suspicious/noDocumentCookie: tests write cookies as pages and ad tags do
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearCookies, setURL, UUID_V4 } from './test-dom.ts';

const MINUTE = 60_000;

/** Identity over freshly persisted storage, as on a page load with consent. */
async function freshIdentity() {
  vi.resetModules();
  const storage = await import('./storage.ts');
  storage.persist('example.com');
  return { ...(await import('./identity.ts')), storage };
}

const cookie = (name: string) =>
  document.cookie
    .split('; ')
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2025-03-04T05:06:07.000Z'), toFake: ['Date'] });
  setURL('https://www.example.com/');
  clearCookies();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  clearCookies();
});

describe('sessionId', () => {
  it('creates a v4 UUID in ll_sid, apart from the anonymous id', async () => {
    document.cookie = 'll_aid=visitor;path=/';
    const { sessionId } = await freshIdentity();
    const session = sessionId();
    expect(session).toMatch(UUID_V4);
    expect(cookie('ll_sid')).toBe(`${session}.`);
    expect(cookie('ll_aid')).toBe('visitor');
  });

  it('is kept while events come less than 30 minutes apart', async () => {
    const { sessionId } = await freshIdentity();
    const session = sessionId();
    for (let step = 0; step < 4; step++) {
      vi.setSystemTime(Date.now() + 29 * MINUTE);
      expect(sessionId()).toBe(session);
    }
  });

  it('starts anew after 30 minutes without an event', async () => {
    const { sessionId } = await freshIdentity();
    const session = sessionId();
    vi.setSystemTime(Date.now() + 31 * MINUTE);
    const next = sessionId();
    expect(next).toMatch(UUID_V4);
    expect(next).not.toBe(session);
  });

  it('remembers the campaign signature and keeps the session for the same campaign', async () => {
    const { sessionId } = await freshIdentity();
    const session = sessionId('abc');
    expect(cookie('ll_sid')).toBe(`${session}.abc`);
    expect(sessionId()).toBe(session);
    expect(cookie('ll_sid')).toBe(`${session}.abc`);
    expect(sessionId('abc')).toBe(session);
  });

  it('starts a new session on a different campaign signature', async () => {
    const { sessionId } = await freshIdentity();
    const first = sessionId('abc');
    const second = sessionId('def');
    expect(second).not.toBe(first);
    expect(cookie('ll_sid')).toBe(`${second}.def`);
  });

  it('starts a new session when a campaign lands during a direct-visit session', async () => {
    const { sessionId } = await freshIdentity();
    const direct = sessionId();
    const campaign = sessionId('abc');
    expect(campaign).not.toBe(direct);
    expect(cookie('ll_sid')).toBe(`${campaign}.abc`);
  });

  it('does not change the anonymous id when the session changes', async () => {
    const { sessionId, storage } = await freshIdentity();
    storage.write('ll_aid', 'visitor', 31536000);
    sessionId('abc');
    sessionId('def');
    vi.setSystemTime(Date.now() + 31 * MINUTE);
    sessionId();
    expect(cookie('ll_aid')).toBe('visitor');
  });
});
