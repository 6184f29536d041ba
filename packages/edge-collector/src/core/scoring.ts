import type {
  EngagementRule,
  FitRule,
  LeadStatus,
  ScoreReason,
  ScoringRules,
} from '@leadloop/schema';
import { matchesWildcard } from './wildcard.ts';

// Lead scores, from stored facts only: the same events, traits and rules at the same instant give
// the same score, whatever order the events arrived in. Fit counts declared traits; engagement
// counts events with a half-life, so what a lead did last month weighs half of what it did today.

const DAY_MS = 86_400_000;

/** What scoring needs of an event attributed to a lead. */
export type ScoringEvent = {
  id: string;
  type: string;
  sessionId: string;
  occurredAt: number;
  path: string;
  /** A track event's name. */
  name: string | null;
  formId: string | null;
  formName: string | null;
};

export type LeadFacts = {
  events: readonly ScoringEvent[];
  traits: Record<string, unknown>;
  /** A lost deal resets engagement: only events after it count. */
  engagementResetAt?: number | null;
};

export type Score = { score: number; fit: number; engagement: number; reasons: ScoreReason[] };

const byTime = (a: ScoringEvent, b: ScoringEvent) =>
  a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A lead's visits after its first, as `return_visit` events at each visit's first event. A visit
 * is a session with a pageview: a server's call or identify (its own session) is none.
 */
function returnVisits(events: readonly ScoringEvent[]): ScoringEvent[] {
  const visits = new Set(
    events.filter((event) => event.type === 'pageview').map((event) => event.sessionId),
  );
  const firstOfSession = new Map<string, ScoringEvent>();
  for (const event of events) {
    if (visits.has(event.sessionId) && !firstOfSession.has(event.sessionId))
      firstOfSession.set(event.sessionId, event);
  }
  return [...firstOfSession.values()]
    .slice(1)
    .map((event) => ({ ...event, id: `${event.id}:return`, type: 'return_visit' }));
}

function ruleMatches(rule: EngagementRule, event: ScoringEvent): boolean {
  if (rule.event !== event.type) return false;
  if (rule.paths && !rule.paths.some((pattern) => matchesWildcard(pattern, event.path)))
    return false;
  if (rule.names && !(event.name !== null && rule.names.includes(event.name))) return false;
  if (
    rule.forms &&
    !rule.forms.some((pattern) =>
      [event.formId, event.formName].some((form) => form && matchesWildcard(pattern, form)),
    )
  )
    return false;
  return true;
}

function traitMatches(rule: FitRule, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (rule.equals) {
    const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
    const hit = rule.equals.some((expected) =>
      typeof expected === 'string' ? expected.toLowerCase() === text : expected === value,
    );
    if (!hit) return false;
  }
  if (rule.matches) {
    if (typeof value !== 'string' && typeof value !== 'number') return false;
    if (!rule.matches.some((pattern) => matchesWildcard(pattern, String(value)))) return false;
  }
  if (rule.gte !== undefined || rule.lte !== undefined) {
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(number)) return false;
    if (rule.gte !== undefined && number < rule.gte) return false;
    if (rule.lte !== undefined && number > rule.lte) return false;
  }
  return true;
}

/** Points in a group, held within its cap (in either direction). */
function capped(points: number, cap: number | undefined): number {
  if (cap === undefined) return points;
  return Math.max(-cap, Math.min(cap, points));
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export function scoreLead(facts: LeadFacts, rules: ScoringRules, now: number): Score {
  const groups = new Map<string, { fit: number; engagement: number }>();
  const add = (group: string, kind: 'fit' | 'engagement', points: number) => {
    const total = groups.get(group) ?? { fit: 0, engagement: 0 };
    total[kind] += points;
    groups.set(group, total);
  };

  for (const rule of rules.fit) {
    if (traitMatches(rule, facts.traits[rule.trait])) add(rule.group, 'fit', rule.points);
  }

  const resetAt = facts.engagementResetAt ?? Number.NEGATIVE_INFINITY;
  const counted = facts.events.filter((event) => event.occurredAt > resetAt).sort(byTime);
  const timeline = [...counted, ...returnVisits(counted)].sort(byTime);
  const matchesPerRule = new Map<EngagementRule, number>();
  for (const event of timeline) {
    const rule = rules.engagement.find((candidate) => ruleMatches(candidate, event));
    if (!rule) continue;
    const seen = matchesPerRule.get(rule) ?? 0;
    matchesPerRule.set(rule, seen + 1);
    const points = seen === 0 ? rule.points : (rule.repeatPoints ?? rule.points);
    const ageDays = Math.max(0, now - event.occurredAt) / DAY_MS;
    add(rule.group, 'engagement', points * 2 ** (-ageDays / rules.halfLifeDays));
  }

  let fit = 0;
  let engagement = 0;
  const reasons: ScoreReason[] = [];
  for (const [group, total] of groups) {
    // Own keys only: a group named `constructor` must not find Object.prototype's.
    const cap = Object.hasOwn(rules.caps, group) ? rules.caps[group] : undefined;
    const points = capped(total.fit + total.engagement, cap);
    // A cap shared by fit and engagement rules shrinks both in proportion.
    const scale = total.fit + total.engagement === 0 ? 0 : points / (total.fit + total.engagement);
    fit += total.fit * scale;
    engagement += total.engagement * scale;
    if (oneDecimal(points) !== 0) reasons.push({ group, points: oneDecimal(points) });
  }
  reasons.sort((a, b) => b.points - a.points || (a.group < b.group ? -1 : 1));
  const total = Math.round(fit + engagement);
  if (!Number.isFinite(total)) throw new Error('Scoring produced a non-finite score');
  return {
    score: total,
    fit: oneDecimal(fit),
    engagement: oneDecimal(engagement),
    reasons,
  };
}

const SCORE_STATUSES: readonly LeadStatus[] = ['lead', 'mql', 'sql'];
/** CRM stages, strongest first: an outcome outranks anything a score says. */
const CRM_STATUSES: readonly LeadStatus[] = ['customer', 'opportunity', 'lost'];

export const isCrmStatus = (status: LeadStatus) => CRM_STATUSES.includes(status);

/** The strongest CRM stage among these statuses, if any (a merge keeps the best of both). */
export function strongestCrmStatus(statuses: readonly LeadStatus[]): LeadStatus | undefined {
  return CRM_STATUSES.find((status) => statuses.includes(status));
}

/** The higher of a score status and a floor set through the API (a CRM stage is no floor). */
export function higherScoreStatus(earned: LeadStatus, floor: LeadStatus | undefined): LeadStatus {
  if (floor === undefined || isCrmStatus(floor)) return earned;
  return SCORE_STATUSES.indexOf(floor) > SCORE_STATUSES.indexOf(earned) ? floor : earned;
}

/** The status a score earns on its own. */
export function statusForScore(score: number, rules: ScoringRules): LeadStatus {
  if (score >= rules.thresholds.sql) return 'sql';
  if (score >= rules.thresholds.mql) return 'mql';
  return 'lead';
}

/** The moments a lead's score is judged at for its status: its latest form fills and calls. */
const MAX_STATUS_CHECKPOINTS = 20;

/**
 * The status a lead's own history earns: the best of what its score was right after each of its
 * latest form fills and calls, and right after its latest event. A score that fades afterwards
 * never un-qualifies a lead sales is working (HubSpot's lifecycle rule), and the answer depends on
 * the events alone, not on the order they arrived in.
 */
export function earnedStatus(facts: LeadFacts, rules: ScoringRules): LeadStatus {
  const events = [...facts.events].sort(byTime);
  const last = events.at(-1);
  if (!last) return 'lead';
  const checkpoints = new Set(
    events
      .filter((event) => event.type === 'form_submit' || event.type === 'call_click')
      .slice(-MAX_STATUS_CHECKPOINTS)
      .map((event) => event.occurredAt),
  );
  checkpoints.add(last.occurredAt);
  let best = 0;
  for (const at of checkpoints) {
    const before = events.filter((event) => event.occurredAt <= at);
    const { score } = scoreLead({ ...facts, events: before }, rules, at);
    best = Math.max(best, SCORE_STATUSES.indexOf(statusForScore(score, rules)));
  }
  return SCORE_STATUSES[best]!;
}

/** Whether a score is worth announcing: it crossed a threshold or moved by the configured step. */
export function scoreChangeIsNews(previous: number, current: number, rules: ScoringRules): boolean {
  if (previous === current) return false;
  return (
    Math.abs(current - previous) >= rules.scoreChangeStep ||
    statusForScore(previous, rules) !== statusForScore(current, rules)
  );
}
