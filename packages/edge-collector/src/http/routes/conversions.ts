import {
  type ConversionList,
  createConversionSchema,
  listConversionsQuerySchema,
  type Site,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import {
  type ConversionRequest,
  type ConversionRow,
  conversionFingerprint,
  conversionRecorded,
  conversionView,
  type LeadReference,
  movesStatus,
  understandConversion,
} from '../../core/conversion.ts';
import { generateId, sha256Hex } from '../../core/keys.ts';
import type { LeadRow } from '../../core/lead-update.ts';
import { decodeCursor, encodeCursor } from '../../core/page-cursor.ts';
import { patchLead } from '../../runtime/lead-updater.ts';
import type { Store } from '../../store/types.ts';
import { idempotent } from '../idempotency.ts';
import { HttpProblem, resourceNotFound, validationFailed } from '../problem.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { badCursor, limitBody, parseJsonBody, parseQuery } from '../validate.ts';

// `POST /v1/conversions` records a CRM outcome against a lead and moves the lead's status;
// `GET /v1/conversions` lists them, newest `occurredAt` first (the order a CRM sync reads
// recent outcomes in); `GET /v1/conversions/{id}` reads one.

const MAX_BODY_BYTES = 16 * 1024;

/** The live lead a reference names: a merged lead's id reaches the lead it was merged into. */
async function findLead(
  store: Store,
  siteId: string,
  reference: LeadReference,
): Promise<LeadRow | null> {
  const { kind, value } = reference;
  const ids =
    kind === 'leadId'
      ? [value]
      : await store.leads.findLeadIdsByIdentifier(siteId, { kind, value });
  if (ids.length === 0) return null;
  let [lead] = await store.leads.findLeads(siteId, [ids[0]!]);
  // Merges are flattened when they happen: one hop reaches the survivor.
  if (lead?.mergedInto) [lead] = await store.leads.findLeads(siteId, [lead.mergedInto]);
  return lead ?? null;
}

/**
 * Moves the lead's status to the conversion's stage (unless a newer stage is already set) and
 * announces `conversion.recorded`, in one versioned write. Safe to run again: the change's id
 * comes from the conversion, and the same stage at the same time changes nothing.
 */
async function applyToLead(
  store: Store,
  site: Site,
  row: ConversionRow,
  now: () => number,
): Promise<LeadRow | null> {
  const lead = await findLead(store, site.id, { kind: 'leadId', value: row.leadId });
  if (!lead) return null;
  return patchLead(
    store,
    site,
    lead.id,
    {
      at: row.occurredAt,
      ...(movesStatus(row.occurredAt, lead.stageAt) ? { status: row.stage } : {}),
      announce: conversionRecorded({ ...row, leadId: lead.id }),
    },
    now,
  );
}

/** A conversion already stored under the request's `externalId`: the same request, or a 409. */
async function replay(
  store: Store,
  site: Site,
  stored: ConversionRow,
  requestHash: string,
  now: () => number,
): Promise<ConversionRow> {
  if (stored.requestHash !== requestHash)
    throw new HttpProblem(
      409,
      'external-id-reused',
      'Conflict',
      `externalId ${stored.externalId} was already recorded with a different body; send the same body to replay it, or another externalId.`,
    );
  // Completes what a failed first attempt left undone (the status, the announcement).
  if (!(await applyToLead(store, site, stored, now)))
    throw resourceNotFound(`No lead ${stored.leadId} on this site.`);
  return stored;
}

async function recordConversion(
  store: Store,
  site: Site,
  request: ConversionRequest,
  now: () => number,
): Promise<{ created: boolean; row: ConversionRow }> {
  const requestHash = await sha256Hex(conversionFingerprint(request));
  if (request.externalId !== null) {
    const stored = await store.conversions.findByExternalId(site.id, request.externalId);
    if (stored) return { created: false, row: await replay(store, site, stored, requestHash, now) };
  }
  // The detail never echoes an email or phone: answers are logged and kept for replays.
  const missing = () =>
    resourceNotFound(
      request.reference.kind === 'leadId'
        ? `No lead ${request.reference.value} on this site.`
        : `No lead with this ${request.reference.kind} on this site.`,
    );
  const lead = await findLead(store, site.id, request.reference);
  if (!lead) throw missing();
  const at = now();
  const row: ConversionRow = {
    siteId: site.id,
    id: generateId('conv'),
    leadId: lead.id,
    stage: request.stage,
    valueMinor: request.valueMinor,
    currency: request.currency,
    occurredAt: request.occurredAt ?? at,
    externalId: request.externalId,
    requestHash,
    properties: request.properties,
    createdAt: at,
  };
  const inserted = await store.conversions.insert(row);
  // Another request stored this externalId between the read and the write.
  if (!inserted.created)
    return { created: false, row: await replay(store, site, inserted.row, requestHash, now) };
  if (!(await applyToLead(store, site, row, now))) {
    // Erased meanwhile: the conversion must not outlive its lead.
    await store.conversions.delete(site.id, row.id);
    throw missing();
  }
  return { created: true, row };
}

export function conversionRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, now = Date.now } = deps;
  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .use(limitBody(MAX_BODY_BYTES))
    .use(idempotent(store, now))
    .post('/', async (c) => {
      const site = c.get('site');
      const input = await parseJsonBody(createConversionSchema, c.req.raw);
      const understood = understandConversion(input, site.defaultCountry, now());
      if (!understood.ok) throw validationFailed(understood.errors);
      const { created, row } = await recordConversion(store, site, understood.request, now);
      c.header('location', `${c.req.path.replace(/\/+$/, '')}/${row.id}`);
      return c.json(conversionView(row), created ? 201 : 200);
    })
    .get('/', async (c) => {
      const site = c.get('site');
      const query = parseQuery(listConversionsQuerySchema, c.req.query());
      let before: { occurredAt: number; id: string } | null = null;
      if (query.cursor !== undefined) {
        const position = decodeCursor(query.cursor, ['integer', 'string']);
        if (!position) throw badCursor();
        before = { occurredAt: position[0], id: position[1] };
      }
      // A merged lead's id lists the survivor's conversions; an unknown one lists none.
      const lead =
        query.leadId === undefined
          ? null
          : await findLead(store, site.id, { kind: 'leadId', value: query.leadId });
      const rows = await store.conversions.list(
        site.id,
        {
          leadId: lead?.id ?? query.leadId,
          stage: query.stage,
          from: query.from === undefined ? undefined : Date.parse(query.from),
          to: query.to === undefined ? undefined : Date.parse(query.to),
        },
        before,
        query.limit + 1,
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const body: ConversionList = {
        data: page.map(conversionView),
        nextCursor:
          rows.length > query.limit && last ? encodeCursor([last.occurredAt, last.id]) : null,
      };
      return c.json(body);
    })
    .get('/:id', async (c) => {
      const row = await store.conversions.get(c.get('site').id, c.req.param('id'));
      if (!row) throw resourceNotFound(`No conversion ${c.req.param('id')} on this site.`);
      return c.json(conversionView(row));
    });
}
