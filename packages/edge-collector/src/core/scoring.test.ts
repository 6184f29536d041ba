import { DEFAULT_SCORING_RULES, type ScoringRules, scoringRulesSchema } from '@leadloop/schema';
import { describe, expect, it } from 'vitest';
import {
  earnedStatus,
  type ScoringEvent,
  scoreChangeIsNews,
  scoreLead,
  strongestCrmStatus,
} from './scoring.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
let sequence = 0;

function event(type: string, overrides: Partial<ScoringEvent> = {}): ScoringEvent {
  sequence++;
  return {
    id: `e${String(sequence).padStart(4, '0')}`,
    type,
    sessionId: 's1',
    occurredAt: NOW,
    path: '/',
    name: null,
    formId: null,
    formName: null,
    ...overrides,
  };
}

const score = (events: ScoringEvent[], rules: ScoringRules = DEFAULT_SCORING_RULES, traits = {}) =>
  scoreLead({ events, traits }, rules, NOW);

describe('scoreLead with the default rules', () => {
  it('gives the documented points: form +50 then +10, call +20, pricing/contact +10, page +1, return visit +3', () => {
    const result = score([
      event('pageview', { path: '/' }),
      event('pageview', { path: '/pricing' }),
      event('pageview', { path: '/contact/sales' }),
      event('form_submit', { path: '/contact' }),
      event('form_submit', { path: '/contact' }),
      event('call_click'),
      event('pageview', { sessionId: 's2', path: '/blog' }),
    ]);
    expect(result.reasons).toEqual([
      { group: 'forms', points: 60 },
      { group: 'calls', points: 20 },
      { group: 'key pages', points: 20 },
      { group: 'return visits', points: 3 },
      { group: 'pages', points: 2 },
    ]);
    expect(result).toMatchObject({ score: 105, fit: 0, engagement: 105 });
  });

  it('counts a return visit only for a session with a pageview, not for a server event', () => {
    const result = score([
      event('pageview', { sessionId: 's1' }),
      event('track', { sessionId: 'srvs_call', name: 'call_completed' }),
      event('identify', { sessionId: 'srvs_crm' }),
    ]);
    expect(result.reasons.find((reason) => reason.group === 'return visits')).toBeUndefined();
    const again = score([
      event('pageview', { sessionId: 's1' }),
      event('pageview', { sessionId: 's2' }),
    ]);
    expect(again.reasons).toContainEqual({ group: 'return visits', points: 3 });
  });

  it('halves engagement every 30 days', () => {
    const fresh = score([event('form_submit')]);
    const month = score([event('form_submit', { occurredAt: NOW - 30 * DAY })]);
    const twoMonths = score([event('form_submit', { occurredAt: NOW - 60 * DAY })]);
    expect([fresh.engagement, month.engagement, twoMonths.engagement]).toEqual([50, 25, 12.5]);
  });

  it('caps a group: a hundred pageviews are worth 20 points, not 100', () => {
    const pages = Array.from({ length: 100 }, (_, index) =>
      event('pageview', { path: `/p${index}` }),
    );
    expect(score(pages).score).toBe(20);
  });

  it('lets a lost deal reset engagement', () => {
    const events = [
      event('form_submit', { occurredAt: NOW - DAY }),
      event('pageview', { path: '/' }),
    ];
    const result = scoreLead(
      { events, traits: {}, engagementResetAt: NOW - DAY },
      DEFAULT_SCORING_RULES,
      NOW,
    );
    expect(result.score).toBe(1);
  });

  it('gives the same score whatever order the events come in', () => {
    const events = [
      event('form_submit', { occurredAt: NOW - 3 * DAY }),
      event('form_submit', { occurredAt: NOW - DAY }),
      event('pageview', { sessionId: 's2', occurredAt: NOW - 2 * DAY }),
    ];
    expect(score([...events].reverse())).toEqual(score(events));
  });
});

describe('scoreLead with site rules', () => {
  const rules = scoringRulesSchema.parse({
    engagement: [
      { group: 'demo', event: 'form_submit', forms: ['demo*'], points: 40 },
      { group: 'calls done', event: 'track', names: ['call_completed'], points: 30 },
      { group: 'docs', event: 'pageview', paths: ['/docs/*'], points: 2 },
    ],
    fit: [
      { group: 'size', trait: 'employees', gte: 50, points: 20 },
      { group: 'role', trait: 'title', matches: ['*head*', '*director*'], points: 15 },
      { group: 'free mail', trait: 'email', matches: ['*@gmail.com'], points: -10 },
      { group: 'country', trait: 'country', equals: ['DE', 'AT', 'CH'], points: 5 },
    ],
    caps: { docs: 4 },
  });

  it('matches forms, track names and paths; fit rules by range, pattern and value', () => {
    const result = score(
      [
        event('form_submit', { formId: 'demo-request' }),
        event('form_submit', { formId: 'newsletter' }),
        event('track', { name: 'call_completed' }),
        event('pageview', { path: '/docs/a' }),
        event('pageview', { path: '/docs/b' }),
        event('pageview', { path: '/docs/c' }),
      ],
      rules,
      { employees: '120', title: 'Head of Sales', email: 'ada@gmail.com', country: 'de' },
    );
    expect(result.reasons).toEqual([
      { group: 'demo', points: 40 },
      { group: 'calls done', points: 30 },
      { group: 'size', points: 20 },
      { group: 'role', points: 15 },
      { group: 'country', points: 5 },
      { group: 'docs', points: 4 },
      { group: 'free mail', points: -10 },
    ]);
    expect(result).toMatchObject({ score: 104, fit: 30, engagement: 74 });
  });
});

describe('scoreLead with groups named like Object built-ins', () => {
  it.each(['constructor', 'toString', '__proto__', 'valueOf'])(
    'scores a group named %s',
    (group) => {
      const rules = scoringRulesSchema.parse({
        engagement: [{ group, event: 'pageview', points: 3 }],
        caps: {},
      });
      expect(score([event('pageview', { path: '/x' })], rules)).toMatchObject({
        score: 3,
        reasons: [{ group, points: 3 }],
      });
    },
  );
});

describe('scoringRulesSchema', () => {
  it('refuses a rule set with the paths of what is wrong', () => {
    const result = scoringRulesSchema.safeParse({
      halfLifeDays: 0,
      thresholds: { mql: 90, sql: 60 },
      engagement: [{ group: 'x', event: 'pageview', names: ['a'], points: 1 }],
      fit: [{ group: 'y', trait: 'size', points: 1 }],
      extra: true,
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['halfLifeDays', 'thresholds.sql', 'engagement.0.names', 'fit.0', '']),
    );
  });
});

describe('lifecycle and announcements', () => {
  it('earns a status from the history: a form makes an mql that later fading does not undo', () => {
    const rules = DEFAULT_SCORING_RULES;
    const facts = (events: ScoringEvent[]) => ({ events, traits: {} });
    expect(earnedStatus(facts([]), rules)).toBe('lead');
    expect(earnedStatus(facts([event('pageview')]), rules)).toBe('lead');
    const form = event('form_submit', { occurredAt: NOW - 90 * DAY });
    expect(earnedStatus(facts([form]), rules)).toBe('mql');
    // A visit today: the form is worth 6 points now, but the lead was an mql when it sent it.
    expect(earnedStatus(facts([form, event('pageview')]), rules)).toBe('mql');
    expect(
      earnedStatus(
        facts([
          event('form_submit'),
          event('call_click'),
          event('form_submit', { occurredAt: NOW + 1 }),
          event('call_click', { occurredAt: NOW + 2 }),
        ]),
        rules,
      ),
    ).toBe('sql');
  });

  it('keeps the strongest CRM stage, which no score overrides', () => {
    expect(strongestCrmStatus(['lead', 'opportunity'])).toBe('opportunity');
    expect(strongestCrmStatus(['lost', 'customer', 'sql'])).toBe('customer');
    expect(strongestCrmStatus(['mql', 'sql'])).toBeUndefined();
  });

  it('announces a score that moved by the step or crossed a threshold', () => {
    const rules = DEFAULT_SCORING_RULES;
    expect(scoreChangeIsNews(10, 14, rules)).toBe(false);
    expect(scoreChangeIsNews(10, 15, rules)).toBe(true);
    expect(scoreChangeIsNews(48, 51, rules)).toBe(true);
    expect(scoreChangeIsNews(51, 48, rules)).toBe(true);
    expect(scoreChangeIsNews(20, 20, rules)).toBe(false);
  });
});
