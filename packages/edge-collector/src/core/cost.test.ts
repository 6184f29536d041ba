import { describe, expect, it } from 'vitest';
import { costRows, costView } from './cost.ts';

const NOW = Date.parse('2026-11-23T10:00:00.000Z');
const item = { date: '2026-11-22', source: 'google', medium: 'cpc', campaign: '', currency: 'USD' };

describe('costRows', () => {
  it('stores amounts as minor units and shows them back as sent', () => {
    const planned = costRows([{ ...item, amount: 120.5 }], NOW);
    expect(planned).toEqual({
      ok: true,
      rows: [
        {
          day: '2026-11-22',
          source: 'google',
          medium: 'cpc',
          campaign: '',
          amountMinor: 12050,
          currency: 'USD',
          updatedAt: NOW,
        },
      ],
    });
    expect(planned.ok && costView(planned.rows[0]!)).toMatchObject({
      date: '2026-11-22',
      amount: 120.5,
    });
  });

  it('names each item whose amount or currency does not hold', () => {
    expect(
      costRows(
        [
          { ...item, amount: 1 },
          { ...item, amount: 1.5, currency: 'JPY' },
          { ...item, amount: 1, currency: 'ABC' },
        ],
        NOW,
      ),
    ).toMatchObject({
      ok: false,
      errors: [{ path: 'costs.1.amount' }, { path: 'costs.2.currency' }],
    });
  });
});
