import { read, write } from './storage.ts';
import { uuid } from './uuid.ts';

// The anonymous id is read and written where events are stamped (client.ts).

/**
 * The session id, kept 30 minutes after the last event. `campaign` is the signature of the
 * landing URL's campaign and click ids: a different one starts a new session.
 */
export function sessionId(campaign?: string): string {
  const [id, current = ''] = (read('ll_sid') ?? '').split('.');
  const session = id && (!campaign || campaign === current) ? id : uuid();
  write('ll_sid', `${session}.${campaign || current}`, 1800);
  return session;
}
