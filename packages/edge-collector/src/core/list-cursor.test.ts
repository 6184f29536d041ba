import { describe, expect, it } from 'vitest';
import {
  decodeLeadCursor,
  decodeTimelineCursor,
  encodeLeadCursor,
  encodeTimelineCursor,
} from './list-cursor.ts';

describe('list cursors', () => {
  it('come back as the position they were made from, in either order', () => {
    const byId = { order: 'id', id: 'lead_Ab-9' } as const;
    const byChange = { order: 'updated', updatedAt: 1_790_000_000_123, id: 'lead_ü' } as const;
    expect(decodeLeadCursor(encodeLeadCursor(byId))).toEqual(byId);
    expect(decodeLeadCursor(encodeLeadCursor(byChange))).toEqual(byChange);
    const position = { at: 1_790_000_000_123, rank: 2, id: 'lead.score_changed:x' };
    expect(decodeTimelineCursor(encodeTimelineCursor(position))).toEqual(position);
  });

  it('are URL-safe', () => {
    const cursor = encodeLeadCursor({ order: 'updated', updatedAt: 1, id: '???>>>~~~' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse what they did not make, and each other', () => {
    for (const bad of ['lead_123', '!!!', 'e30', btoa('["updated","x","y"]'), btoa('["id",""]')])
      expect(decodeLeadCursor(bad)).toBeNull();
    const timeline = encodeTimelineCursor({ at: 1, rank: 0, id: 's' });
    expect(decodeLeadCursor(timeline)).toBeNull();
    expect(decodeTimelineCursor(encodeLeadCursor({ order: 'id', id: 'x' }))).toBeNull();
  });
});
