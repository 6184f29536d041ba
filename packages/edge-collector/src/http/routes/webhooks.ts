import {
  createWebhookSchema,
  listWebhookDeliveriesQuerySchema,
  listWebhooksQuerySchema,
  rotateWebhookSecretSchema,
  updateWebhookSchema,
  type Webhook,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookList,
} from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { decodeCursor, encodeCursor } from '../../core/page-cursor.ts';
import { webhookBody } from '../../core/webhook-delivery-policy.ts';
import { newWebhook, type WebhookRow } from '../../core/webhook-fanout.ts';
import { generateWebhookSecret } from '../../core/webhook-signature.ts';
import { checkWebhookUrl } from '../../core/webhook-url.ts';
import { attemptDelivery, type DeliveryOptions } from '../../runtime/webhook-deliverer.ts';
import type { AttemptRow, DeliveryRow } from '../../store/webhook-store.ts';
import { resourceNotFound, validationFailed } from '../problem.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import {
  badCursor,
  limitBody as limitRequestBody,
  parseJsonBody,
  parseQuery,
} from '../validate.ts';

// `/v1/webhooks`: subscriptions (the secret is shown once, at creation or rotation), a test
// event, and the delivery log; `/v1/webhook-deliveries/{id}`: one delivery, and redelivery.

const MAX_BODY_BYTES = 16 * 1024;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function webhookView(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    filters: row.filters,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: iso(row.failingSince),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  };
}

export function deliveryView(delivery: DeliveryRow, attempts: AttemptRow[]): WebhookDelivery {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventType: delivery.eventType,
    leadId: delivery.leadId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastLatencyMs: delivery.lastLatencyMs,
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    createdAt: iso(delivery.createdAt)!,
    deliveredAt: iso(delivery.deliveredAt),
    attemptLog: attempts.map((attempt) => ({ ...attempt, at: iso(attempt.at)! })),
  };
}

/** Lists page by creation time, then id: a cursor is the last row's pair, opaque to clients. */
const toCursor = (row: { createdAt: number; id: string }) => encodeCursor([row.createdAt, row.id]);
function fromCursor(cursor: string | undefined) {
  if (cursor === undefined) return null;
  const decoded = decodeCursor(cursor, ['integer', 'string']);
  if (!decoded) throw badCursor();
  return { createdAt: decoded[0], id: decoded[1] };
}

/** Outside development, an endpoint on a private or metadata address is refused at once. */
function assertDeliverable(url: string, delivery: DeliveryOptions): void {
  const check = checkWebhookUrl(url, { allowPrivate: delivery.allowPrivate });
  if (!check.ok) throw validationFailed([{ path: 'url', message: check.reason }]);
}

const limitBody = limitRequestBody(MAX_BODY_BYTES);

export function webhookRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, delivery, now = Date.now } = deps;
  const find = async (siteId: string, id: string) => {
    const row = await store.webhooks.getWebhook(siteId, id);
    if (!row) throw resourceNotFound(`No webhook ${id} on this site.`);
    return row;
  };

  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .use(limitBody)
    .post('/', async (c) => {
      const input = await parseJsonBody(createWebhookSchema, c.req.raw);
      assertDeliverable(input.url, delivery);
      const row = newWebhook(
        {
          siteId: c.get('site').id,
          url: input.url,
          description: input.description,
          eventTypes: input.eventTypes,
          filters: input.filters,
        },
        now(),
      );
      await store.webhooks.createWebhook(row);
      // From the request's own path, so a collector under a base path (`/ll/v1/…`) answers in kind.
      c.header('location', `${c.req.path.replace(/\/+$/, '')}/${row.id}`);
      return c.json({ ...webhookView(row), secret: row.secret }, 201);
    })
    .get('/', async (c) => {
      const { limit, cursor } = parseQuery(listWebhooksQuerySchema, c.req.query());
      const rows = await store.webhooks.listWebhooks(
        c.get('site').id,
        fromCursor(cursor),
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const body: WebhookList = {
        data: page.map(webhookView),
        nextCursor: rows.length > limit ? toCursor(page.at(-1)!) : null,
      };
      return c.json(body);
    })
    .get('/:id', async (c) => c.json(webhookView(await find(c.get('site').id, c.req.param('id')))))
    .patch('/:id', async (c) => {
      const input = await parseJsonBody(updateWebhookSchema, c.req.raw);
      const row = await find(c.get('site').id, c.req.param('id'));
      if (input.url !== undefined) assertDeliverable(input.url, delivery);
      const updated: WebhookRow = {
        ...row,
        ...(input.url === undefined ? {} : { url: input.url }),
        ...(input.eventTypes === undefined ? {} : { eventTypes: input.eventTypes }),
        ...(input.filters === undefined ? {} : { filters: input.filters }),
        ...(input.description === undefined ? {} : { description: input.description }),
        updatedAt: now(),
      };
      // Re-enabling starts the endpoint's health afresh; disabling by hand says so.
      if (input.enabled === true && !row.enabled)
        Object.assign(updated, { enabled: true, disabledReason: null, failingSince: null });
      if (input.enabled === false && row.enabled)
        Object.assign(updated, { enabled: false, disabledReason: 'disabled through the API' });
      if (!(await store.webhooks.saveWebhook(updated)))
        throw resourceNotFound(`No webhook ${row.id} on this site.`);
      return c.json(webhookView(updated));
    })
    .delete('/:id', async (c) => {
      const id = c.req.param('id');
      if (!(await store.webhooks.deleteWebhook(c.get('site').id, id)))
        throw resourceNotFound(`No webhook ${id} on this site.`);
      return c.body(null, 204);
    })
    .post('/:id/rotate-secret', async (c) => {
      const { graceSeconds } = await parseJsonBody(rotateWebhookSecretSchema, c.req.raw, {
        emptyIsObject: true,
      });
      const row = await find(c.get('site').id, c.req.param('id'));
      const at = now();
      const rotated: WebhookRow = {
        ...row,
        secret: generateWebhookSecret(),
        // Both secrets sign until the grace period ends, so receivers switch without a gap.
        previousSecret: graceSeconds > 0 ? row.secret : null,
        previousSecretExpiresAt: graceSeconds > 0 ? at + graceSeconds * 1000 : null,
        updatedAt: at,
      };
      await store.webhooks.saveWebhook(rotated);
      return c.json({
        ...webhookView(rotated),
        secret: rotated.secret,
        previousSecretExpiresAt: iso(rotated.previousSecretExpiresAt),
      });
    })
    .post('/:id/test', async (c) => {
      const row = await find(c.get('site').id, c.req.param('id'));
      const at = now();
      const id = `msg_${crypto.randomUUID().replaceAll('-', '')}`;
      await store.webhooks.insertDeliveries([
        {
          siteId: row.siteId,
          id,
          webhookId: row.id,
          changeId: `webhook.test:${id}`,
          eventType: 'webhook.test',
          leadId: null,
          body: webhookBody('webhook.test', new Date(at).toISOString(), {
            webhookId: row.id,
            message: 'A test event from Leadloop: your endpoint receives and verifies deliveries.',
          }),
          createdAt: at,
        },
      ]);
      // Sent now, so the answer shows how the endpoint took it; a failure is retried as usual.
      const result = await attemptDelivery(store, id, delivery);
      if (result.kind === 'attempted' && result.settlement.retryInSeconds !== null)
        await delivery
          .enqueue([{ deliveryId: id, delaySeconds: result.settlement.retryInSeconds }])
          .catch(() => {}); // the minute sweep re-queues it
      const found = await store.webhooks.getDelivery(row.siteId, id);
      return c.json(deliveryView(found!.delivery, found!.attempts));
    })
    .get('/:id/deliveries', async (c) => {
      const { status, limit, cursor } = parseQuery(listWebhookDeliveriesQuerySchema, c.req.query());
      const row = await find(c.get('site').id, c.req.param('id'));
      const items = await store.webhooks.listDeliveries(row.siteId, row.id, {
        status,
        before: fromCursor(cursor),
        limit: limit + 1,
      });
      const page = items.slice(0, limit);
      const body: WebhookDeliveryList = {
        data: page.map(({ delivery, attempts }) => deliveryView(delivery, attempts)),
        nextCursor: items.length > limit ? toCursor(page.at(-1)!.delivery) : null,
      };
      return c.json(body);
    });
}

export function webhookDeliveryRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, delivery, now = Date.now } = deps;
  const find = async (siteId: string, id: string) => {
    const found = await store.webhooks.getDelivery(siteId, id);
    if (!found) throw resourceNotFound(`No webhook delivery ${id} on this site.`);
    return found;
  };
  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .get('/:id', async (c) => {
      const { delivery: row, attempts } = await find(c.get('site').id, c.req.param('id'));
      return c.json(deliveryView(row, attempts));
    })
    .post('/:id/redeliver', async (c) => {
      const siteId = c.get('site').id;
      const id = c.req.param('id');
      if (!(await store.webhooks.redeliver(siteId, id, now())))
        throw resourceNotFound(`No webhook delivery ${id} on this site.`);
      // Pending and due now: if the queue cannot take it, the minute sweep will.
      await delivery.enqueue([{ deliveryId: id, delaySeconds: 0 }]).catch(() => {});
      const { delivery: row, attempts } = await find(siteId, id);
      return c.json(deliveryView(row, attempts), 202);
    });
}
