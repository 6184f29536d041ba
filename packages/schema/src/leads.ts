import { z } from 'zod';

// Leads as the REST API and the webhooks show them.

export const leadStatuses = ['lead', 'mql', 'sql', 'opportunity', 'customer', 'lost'] as const;
export type LeadStatus = (typeof leadStatuses)[number];

/** The channels a touch is sorted into (GA4's default channel group; see the collector's channel.ts). */
export const CHANNELS = [
  'Direct',
  'Organic Search',
  'Paid Search',
  'Organic Social',
  'Paid Social',
  'Email',
  'Affiliates',
  'Referral',
  'Display',
  'Organic Video',
  'Paid Video',
  'SMS',
  'Paid Other',
  'Cross-network',
  'Unassigned',
] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Where a session came from (DESIGN.md "Attribution"): what attribution groups by. */
export type TouchFields = {
  channel: string;
  source: string;
  medium: string;
  campaign: string | null;
  term: string | null;
  content: string | null;
  clickIdType: string | null;
  clickId: string | null;
  referrerDomain: string | null;
  landingPage: string;
  country: string | null;
  region: string | null;
  city: string | null;
  deviceType: string | null;
};

/** One of a lead's touches: its session's source, which session, and when. */
export type LeadTouch = TouchFields & {
  sessionId: string;
  /** ISO 8601: when the session's first pageview happened. */
  at: string;
};

export type ScoreReason = { group: string; points: number };

export type Lead = {
  id: string;
  /** The first email the lead gave; every one is under `identifiers`. */
  email: string | null;
  /** The first phone (E.164) the lead gave. */
  phone: string | null;
  name: string | null;
  traits: Record<string, unknown>;
  identifiers: { emails: string[]; phones: string[]; externalIds: string[] };
  status: LeadStatus;
  score: number;
  /** What the score is made of, largest first. */
  scoreReasons: ScoreReason[];
  /** The earliest session's touch (possibly Direct). */
  firstTouch: LeadTouch | null;
  /** The latest touch that came from somewhere: never Direct. */
  lastTouch: LeadTouch | null;
  visitorIds: string[];
  createdAt: string;
  updatedAt: string;
  /** Set on a lead merged into another; reading its id answers with that survivor. */
  mergedInto: string | null;
};

export type LeadList = { data: Lead[]; nextCursor: string | null };

/** `GET /v1/leads`: the filters this version serves; anything else is refused by name. */
export const listLeadsQuerySchema = z.strictObject({
  email: z.string().trim().min(1).max(320).optional(),
  phone: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(200).optional(),
});

export const domainChangeTypes = [
  'lead.created',
  'lead.identified',
  'lead.merged',
  'lead.score_changed',
  'lead.status_changed',
  'form.submitted',
  'call.clicked',
] as const;
export type DomainChangeType = (typeof domainChangeTypes)[number];
