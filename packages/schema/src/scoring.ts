import { z } from 'zod';

// A site's lead-scoring rules, as `GET` / `PUT /v1/scoring` read and write them. Score = fit
// (declared traits) + engagement (events, decayed with a half-life). Every rule belongs to a group;
// a group's points are capped, so a hundred pageviews never outweigh a form fill.

const points = z.number().min(-1000).max(1000);
const group = z.string().trim().min(1).max(64);
/** `*` matches any run of characters: `/pricing*`, `*@gmail.com`. */
const pattern = z.string().min(1).max(200);
const patterns = z.array(pattern).min(1).max(50);

export const engagementEvents = [
  'pageview',
  'form_submit',
  'call_click',
  'identify',
  'track',
  'return_visit',
] as const;

/** Points for events; the first rule an event matches is the one that counts. */
export const engagementRuleSchema = z.strictObject({
  group,
  /** `return_visit` is every session of a lead after its first. */
  event: z.enum(engagementEvents),
  /** Page paths the event must happen on. */
  paths: patterns.optional(),
  /** `track` event names (`email_click`, `call_completed`, …). */
  names: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
  /** Form ids or names, for `form_submit`. */
  forms: patterns.optional(),
  points,
  /** Points for each further match of this rule after the first; `points` when absent. */
  repeatPoints: points.optional(),
});

/** Points for a trait value: `equals` one of some values, `matches` a pattern, or a range. */
export const fitRuleSchema = z
  .strictObject({
    group,
    /** A trait name; `email` and `phone` are the lead's identifiers. */
    trait: z.string().min(1).max(200),
    equals: z
      .array(z.union([z.string().max(200), z.number(), z.boolean()]))
      .min(1)
      .max(100)
      .optional(),
    matches: patterns.optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    points,
  })
  .refine(
    (rule) =>
      rule.equals !== undefined ||
      rule.matches !== undefined ||
      rule.gte !== undefined ||
      rule.lte !== undefined,
    { message: 'A fit rule needs equals, matches, gte or lte' },
  );

export const DEFAULT_ENGAGEMENT_RULES: z.input<typeof engagementRuleSchema>[] = [
  { group: 'forms', event: 'form_submit', points: 50, repeatPoints: 10 },
  { group: 'calls', event: 'call_click', points: 20 },
  { group: 'key pages', event: 'pageview', paths: ['/pricing*', '/contact*'], points: 10 },
  { group: 'pages', event: 'pageview', points: 1 },
  { group: 'return visits', event: 'return_visit', points: 3 },
];

export const DEFAULT_CAPS: Record<string, number> = {
  forms: 100,
  calls: 60,
  'key pages': 30,
  pages: 20,
  'return visits': 15,
};

export const scoringRulesSchema = z
  .strictObject({
    /** Engagement points halve every this many days: Σ pointsᵢ · 2^(−ageᵢ / halfLifeDays). */
    halfLifeDays: z.number().positive().max(3650).default(30),
    thresholds: z
      .strictObject({
        mql: z.number().int().min(1).max(100_000).default(50),
        sql: z.number().int().min(1).max(100_000).default(100),
      })
      .refine((thresholds) => thresholds.sql > thresholds.mql, {
        message: 'The sql threshold must be above the mql threshold',
        path: ['sql'],
      })
      .default({ mql: 50, sql: 100 }),
    /** `lead.score_changed` is sent when the score moves this much (or crosses a threshold). */
    scoreChangeStep: z.number().int().min(1).max(10_000).default(5),
    engagement: z.array(engagementRuleSchema).max(200).default(DEFAULT_ENGAGEMENT_RULES),
    fit: z.array(fitRuleSchema).max(200).default([]),
    /** The most points a group can add up to (either sign); groups not listed are uncapped. */
    caps: z
      .record(group, z.number().min(0).max(100_000))
      .refine((caps) => Object.keys(caps).length <= 200, { message: 'At most 200 caps' })
      .default(DEFAULT_CAPS),
  })
  .superRefine((rules, ctx) => {
    rules.engagement.forEach((rule, index) => {
      if (rule.names && rule.event !== 'track')
        ctx.addIssue({
          code: 'custom',
          path: ['engagement', index, 'names'],
          message: 'names apply to track events only',
        });
      if (rule.forms && rule.event !== 'form_submit')
        ctx.addIssue({
          code: 'custom',
          path: ['engagement', index, 'forms'],
          message: 'forms apply to form_submit events only',
        });
      if (rule.paths && rule.event === 'return_visit')
        ctx.addIssue({
          code: 'custom',
          path: ['engagement', index, 'paths'],
          message: 'return_visit rules take no paths',
        });
    });
  });

export type ScoringRules = z.infer<typeof scoringRulesSchema>;
export type ScoringRulesInput = z.input<typeof scoringRulesSchema>;
export type EngagementRule = z.infer<typeof engagementRuleSchema>;
export type FitRule = z.infer<typeof fitRuleSchema>;

/** The rules a site starts with. */
export const DEFAULT_SCORING_RULES: ScoringRules = scoringRulesSchema.parse({});
