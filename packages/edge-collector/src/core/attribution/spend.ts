// Spend is kept per source / medium / campaign (POST /v1/costs); a report groups it the way it
// groups touches, read through the same channel rules so "google / cpc" spend lands on the same
// "Paid Search" row as the sessions it bought.

import { type AttributionGroup, COSTED_GROUPS } from '@leadloop/schema';
import { classifyChannel } from '../channel.ts';
import { NOT_SET } from './tally.ts';

export type SpendKey = { source: string; medium: string; campaign: string };

/** The group a day's spend belongs to, or undefined when the grouping cannot carry spend. */
export function spendGroup(groupBy: AttributionGroup, key: SpendKey): string | undefined {
  if (!COSTED_GROUPS.includes(groupBy)) return undefined;
  const classified = classifyChannel({
    source: key.source,
    medium: key.medium || undefined,
    campaign: key.campaign || undefined,
  });
  switch (groupBy) {
    case 'channel':
      return classified.channel;
    case 'source':
      return classified.source;
    case 'medium':
      return key.medium ? classified.medium : NOT_SET;
    default:
      return key.campaign || NOT_SET;
  }
}

/** Spend summed per group (minor units), or null when the grouping cannot carry spend. */
export function spendByGroup(
  groupBy: AttributionGroup,
  rows: readonly (SpendKey & { amountMinor: number })[],
): Map<string, number> | null {
  if (!COSTED_GROUPS.includes(groupBy)) return null;
  const groups = new Map<string, number>();
  for (const row of rows) {
    const group = spendGroup(groupBy, row)!;
    groups.set(group, (groups.get(group) ?? 0) + row.amountMinor);
  }
  return groups;
}
