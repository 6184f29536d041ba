import type { Cost, CostItem, FieldError } from '@leadloop/schema';
import { toMajorUnits, toMinorUnits } from './money.ts';

// Daily ad spend: the rows a `POST /v1/costs` writes, and how a stored row is shown.

/** What one day's spend is keyed by ('' for a medium or campaign it is not split by). */
export type CostKey = { day: string; source: string; medium: string; campaign: string };

/** A day's spend as stored: minor units, epoch milliseconds. */
export type CostRow = CostKey & { amountMinor: number; currency: string; updatedAt: number };

/** The rows to write, or the items whose amount or currency does not hold (`costs.3.amount`). */
export function costRows(
  items: readonly CostItem[],
  now: number,
): { ok: true; rows: CostRow[] } | { ok: false; errors: FieldError[] } {
  const rows: CostRow[] = [];
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    const money = toMinorUnits(item.amount, item.currency);
    if (!money.ok) {
      errors.push({ path: `costs.${index}.${money.wrong}`, message: money.message });
      return;
    }
    rows.push({
      day: item.date,
      source: item.source,
      medium: item.medium,
      campaign: item.campaign,
      amountMinor: money.minor,
      currency: item.currency,
      updatedAt: now,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows };
}

export function costView(row: CostRow): Cost {
  return {
    date: row.day,
    source: row.source,
    medium: row.medium,
    campaign: row.campaign,
    amount: toMajorUnits(row.amountMinor, row.currency),
    currency: row.currency,
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
