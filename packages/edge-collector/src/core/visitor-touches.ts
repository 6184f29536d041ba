import type { SessionUpsert } from './ingest-plan.ts';
import type { SessionTouch } from './session-touch.ts';

/** A touch as a visitor has it: its session's touch, which session, and when. */
export type VisitorTouch = SessionTouch & { sessionId: string; at: number };

/**
 * A visitor's first touch (its earliest session's, even a direct one) and last touch (the latest
 * that came from somewhere: never `Direct`), from its sessions. Ties go to the lower session id,
 * so the answer never depends on the order rows come back in.
 */
export function visitorTouches(sessions: readonly SessionUpsert[]): {
  firstTouch: VisitorTouch | null;
  lastTouch: VisitorTouch | null;
} {
  const touches = sessions
    .filter((session) => session.touch && session.touchAt !== null)
    .map((session) => ({ ...session.touch!, sessionId: session.id, at: session.touchAt! }))
    .sort((a, b) => a.at - b.at || (a.sessionId < b.sessionId ? -1 : 1));
  const fromSomewhere = touches.filter((touch) => touch.channel !== 'Direct');
  return { firstTouch: touches[0] ?? null, lastTouch: fromSomewhere.at(-1) ?? null };
}
