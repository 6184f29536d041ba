import { read, write } from './storage.ts';
import { uuid } from './uuid.ts';

/**
 * The browser's anonymous id. Written only when missing: a first-party collector refreshes the
 * cookie with `Set-Cookie`, and rewriting it from script would bring back Safari's 7-day cap.
 */
export const anonymousId = (seconds: number): string =>
  read('ll_aid') || write('ll_aid', uuid(), seconds);

/**
 * The session id, kept 30 minutes after the last event. `campaign` is the signature of the
 * landing URL's campaign and click ids: a different one starts a new session.
 */
export function sessionId(campaign = ''): string {
  const [id, current = ''] = (read('ll_sid') ?? '').split('.');
  const session = id && (!campaign || campaign === current) ? id : uuid();
  write('ll_sid', `${session}.${campaign || current}`, 1800);
  return session;
}
