import { decodeCursor, encodeCursor } from './page-cursor.ts';

// The leads API's cursors: page-cursor.ts's opaque tuples, tagged with the order they page in, so
// a cursor from one listing is refused by another rather than silently paging it wrong.

/** Where a page of leads ended: by id, or by last change (`updatedSince` polling). */
export type LeadPosition =
  | { order: 'id'; id: string }
  | { order: 'updated'; updatedAt: number; id: string };

/** Where a page of a timeline ended: time, then kind (touch, event, score, conversion), then id. */
export type TimelinePosition = { at: number; rank: number; id: string };

export const encodeLeadCursor = (position: LeadPosition): string =>
  encodeCursor(
    position.order === 'id' ? ['id', position.id] : ['updated', position.updatedAt, position.id],
  );

/** The position a lead cursor names, or null when it is not one of ours. */
export function decodeLeadCursor(cursor: string): LeadPosition | null {
  const byId = decodeCursor(cursor, ['string', 'string']);
  if (byId?.[0] === 'id' && byId[1]) return { order: 'id', id: byId[1] };
  const byChange = decodeCursor(cursor, ['string', 'integer', 'string']);
  if (byChange?.[0] === 'updated' && byChange[1] >= 0 && byChange[2])
    return { order: 'updated', updatedAt: byChange[1], id: byChange[2] };
  return null;
}

export const encodeTimelineCursor = ({ at, rank, id }: TimelinePosition): string =>
  encodeCursor(['timeline', at, rank, id]);

export function decodeTimelineCursor(cursor: string): TimelinePosition | null {
  const decoded = decodeCursor(cursor, ['string', 'integer', 'integer', 'string']);
  if (decoded?.[0] !== 'timeline' || decoded[1] < 0 || decoded[2] < 0 || !decoded[3]) return null;
  return { at: decoded[1], rank: decoded[2], id: decoded[3] };
}
