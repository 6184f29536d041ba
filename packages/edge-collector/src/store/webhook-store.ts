import type { JsonObject, WebhookAttempt, WebhookDeliveryStatus } from '@leadloop/schema';
import { type SQL, sql } from 'drizzle-orm';
import type { DomainChange } from '../core/lead-update.ts';
import type { NewDelivery, WebhookRow } from '../core/webhook-fanout.ts';
import { inList, jsonText, millis } from './identity-sql.ts';
import type { SqlRunner } from './identity-store.ts';
import type { Dialect } from './merge-sql.ts';
import { jsonParam, numberOrNull, parsedJson, timeParam } from './sql-values.ts';

// Webhook subscriptions, the relay of the outbox into deliveries, and the delivery log, written
// once over both databases like the lead store. Times are epoch milliseconds in and out.

type Row = Record<string, unknown>;

/** A time value as a parameter, or NULL. */
const at = (dialect: Dialect, ms: number | null): SQL =>
  ms === null ? sql`NULL` : timeParam(dialect, ms);
const bool = (dialect: Dialect, value: boolean) =>
  sql.raw(dialect === 'sqlite' ? (value ? '1' : '0') : value ? 'true' : 'false');

export type DeliveryRow = Omit<NewDelivery, 'body'> & {
  status: WebhookDeliveryStatus;
  attempts: number;
  roundAttempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  deliveredAt: number | null;
};

export type AttemptRow = Omit<WebhookAttempt, 'at'> & { at: number };

/** A delivery this worker may attempt now, with what sending it needs. */
export type ClaimedDelivery = { delivery: DeliveryRow; body: string; webhook: WebhookRow };

/** Why a delivery could not be claimed: it is settled (or gone), not due yet, or in flight. */
export type ClaimRefusal =
  | { kind: 'settled' }
  | { kind: 'not-due'; dueAt: number }
  | { kind: 'in-flight'; until: number };

/** What one attempt changes: the delivery, and the endpoint's health. */
export type AttemptRecord = {
  attempt: AttemptRow;
  status: WebhookDeliveryStatus;
  nextAttemptAt: number | null;
  /** The endpoint's `failing_since` after this attempt. */
  failingSince: number | null;
  /** Set when this attempt disables the endpoint (410, five days of failures). */
  disable?: string;
};

export interface WebhookStore {
  createWebhook(webhook: WebhookRow): Promise<void>;
  /** Replaces the stored row (same site and id); false when there is none. */
  saveWebhook(webhook: WebhookRow): Promise<boolean>;
  getWebhook(siteId: string, id: string): Promise<WebhookRow | null>;
  /** In creation order, after the cursor's row. */
  listWebhooks(
    siteId: string,
    after: { createdAt: number; id: string } | null,
    limit: number,
  ): Promise<WebhookRow[]>;
  /** Deletes the subscription and its delivery log; false when there was none. */
  deleteWebhook(siteId: string, id: string): Promise<boolean>;
  /** Enabled subscriptions of a site (what the relay fans out to). */
  enabledWebhooks(siteId: string): Promise<WebhookRow[]>;

  /** Domain changes not relayed yet, oldest first. */
  unrelayedChanges(siteId: string, limit: number): Promise<DomainChange[]>;
  /** Sites with changes waiting to be relayed (the minute sweep). */
  sitesWithUnrelayedChanges(limit: number): Promise<string[]>;
  /** Stores the deliveries (each once) and marks the changes relayed, in one transaction. */
  commitRelay(
    siteId: string,
    changeIds: string[],
    deliveries: NewDelivery[],
    now: number,
  ): Promise<void>;

  /**
   * Takes a pending, due delivery for one attempt: no other worker can take it until
   * `leaseUntil` (or until the attempt is recorded).
   */
  claimDelivery(
    deliveryId: string,
    now: number,
    leaseUntil: number,
  ): Promise<ClaimedDelivery | ClaimRefusal>;
  recordAttempt(claimed: ClaimedDelivery, record: AttemptRecord): Promise<void>;
  /** Pending deliveries due before `before` and not in flight (the minute sweep re-queues them). */
  overdueDeliveries(before: number, limit: number): Promise<{ id: string; siteId: string }[]>;
  /** Newest first; with their attempts. */
  listDeliveries(
    siteId: string,
    webhookId: string,
    options: {
      status?: WebhookDeliveryStatus | undefined;
      before: { createdAt: number; id: string } | null;
      limit: number;
    },
  ): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] }[]>;
  getDelivery(
    siteId: string,
    id: string,
  ): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] } | null>;
  /** Makes a delivery pending again, due now, with a fresh retry schedule; false if unknown. */
  redeliver(siteId: string, id: string, now: number): Promise<boolean>;
  /** Fails pending deliveries for good, with the reason (the dead-letter queue). */
  failDeliveries(ids: string[], reason: string): Promise<void>;
  /** Stores deliveries made outside the relay (`webhook.test`). */
  insertDeliveries(deliveries: NewDelivery[]): Promise<void>;
}

const WEBHOOK_SELECT = (dialect: Dialect) =>
  sql`site_id, id, url, description, ${jsonText(dialect, 'event_types')} AS event_types, ${jsonText(dialect, 'filters')} AS filters, secret, previous_secret, ${millis(dialect, 'previous_secret_expires_at')} AS previous_secret_expires_at, enabled, disabled_reason, ${millis(dialect, 'failing_since')} AS failing_since, ${millis(dialect, 'created_at')} AS created_at, ${millis(dialect, 'updated_at')} AS updated_at`;

const toWebhookRow = (row: Row): WebhookRow => ({
  siteId: String(row.site_id),
  id: String(row.id),
  url: String(row.url),
  description: String(row.description ?? ''),
  eventTypes: parsedJson(row.event_types),
  filters: parsedJson(row.filters),
  secret: String(row.secret),
  previousSecret: (row.previous_secret as string | null) ?? null,
  previousSecretExpiresAt: numberOrNull(row.previous_secret_expires_at),
  enabled: row.enabled === true || row.enabled === 1,
  disabledReason: (row.disabled_reason as string | null) ?? null,
  failingSince: numberOrNull(row.failing_since),
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

const DELIVERY_SELECT = (dialect: Dialect) =>
  sql`site_id, id, webhook_id, change_id, event_type, lead_id, status, attempts, round_attempts, ${millis(dialect, 'next_attempt_at')} AS next_attempt_at, last_status_code, last_error, last_latency_ms, ${millis(dialect, 'created_at')} AS created_at, ${millis(dialect, 'delivered_at')} AS delivered_at`;

const toDeliveryRow = (row: Row): DeliveryRow => ({
  siteId: String(row.site_id),
  id: String(row.id),
  webhookId: String(row.webhook_id),
  changeId: String(row.change_id),
  eventType: String(row.event_type),
  leadId: (row.lead_id as string | null) ?? null,
  status: row.status as WebhookDeliveryStatus,
  attempts: Number(row.attempts),
  roundAttempts: Number(row.round_attempts),
  nextAttemptAt: numberOrNull(row.next_attempt_at),
  lastStatusCode: numberOrNull(row.last_status_code),
  lastError: (row.last_error as string | null) ?? null,
  lastLatencyMs: numberOrNull(row.last_latency_ms),
  createdAt: Number(row.created_at),
  deliveredAt: numberOrNull(row.delivered_at),
});

const toAttemptRow = (row: Row): AttemptRow => ({
  number: Number(row.number),
  at: Number(row.at),
  outcome: row.outcome as AttemptRow['outcome'],
  statusCode: numberOrNull(row.status_code),
  latencyMs: Number(row.latency_ms),
  error: (row.error as string | null) ?? null,
});

export function webhookStore(runner: SqlRunner): WebhookStore {
  const { dialect } = runner;
  const t = (ms: number | null) => at(dialect, ms);

  const insertDeliveries = (deliveries: NewDelivery[]) =>
    deliveries.map(
      (d) =>
        sql`INSERT INTO webhook_deliveries (site_id, id, webhook_id, change_id, event_type, lead_id, body, status, attempts, round_attempts, next_attempt_at, created_at) VALUES (${d.siteId}, ${d.id}, ${d.webhookId}, ${d.changeId}, ${d.eventType}, ${d.leadId}, ${d.body}, 'pending', 0, 0, ${t(d.createdAt)}, ${t(d.createdAt)}) ON CONFLICT DO NOTHING`,
    );

  async function attemptsOf(deliveryIds: string[]): Promise<Map<string, AttemptRow[]>> {
    const byDelivery = new Map<string, AttemptRow[]>(deliveryIds.map((id) => [id, []]));
    if (deliveryIds.length === 0) return byDelivery;
    const rows = await runner.all(
      sql`SELECT delivery_id, number, ${millis(dialect, 'at')} AS at, outcome, status_code, latency_ms, error FROM webhook_attempts WHERE delivery_id IN ${inList(dialect, deliveryIds)} ORDER BY delivery_id, number`,
    );
    for (const row of rows) byDelivery.get(String(row.delivery_id))?.push(toAttemptRow(row));
    return byDelivery;
  }

  const webhookValues = (w: WebhookRow) =>
    sql`url = ${w.url}, description = ${w.description}, event_types = ${jsonParam(dialect, w.eventTypes)}, filters = ${jsonParam(dialect, w.filters)}, secret = ${w.secret}, previous_secret = ${w.previousSecret}, previous_secret_expires_at = ${t(w.previousSecretExpiresAt)}, enabled = ${bool(dialect, w.enabled)}, disabled_reason = ${w.disabledReason}, failing_since = ${t(w.failingSince)}, updated_at = ${t(w.updatedAt)}`;

  return {
    async createWebhook(w) {
      await runner.transaction([
        sql`INSERT INTO webhooks (site_id, id, url, description, event_types, filters, secret, previous_secret, previous_secret_expires_at, enabled, disabled_reason, failing_since, created_at, updated_at) VALUES (${w.siteId}, ${w.id}, ${w.url}, ${w.description}, ${jsonParam(dialect, w.eventTypes)}, ${jsonParam(dialect, w.filters)}, ${w.secret}, ${w.previousSecret}, ${t(w.previousSecretExpiresAt)}, ${bool(dialect, w.enabled)}, ${w.disabledReason}, ${t(w.failingSince)}, ${t(w.createdAt)}, ${t(w.updatedAt)})`,
      ]);
    },

    async saveWebhook(w) {
      const rows = await runner.all(
        sql`UPDATE webhooks SET ${webhookValues(w)} WHERE site_id = ${w.siteId} AND id = ${w.id} RETURNING id`,
      );
      return rows.length > 0;
    },

    async getWebhook(siteId, id) {
      const [row] = await runner.all(
        sql`SELECT ${WEBHOOK_SELECT(dialect)} FROM webhooks WHERE site_id = ${siteId} AND id = ${id}`,
      );
      return row ? toWebhookRow(row) : null;
    },

    async listWebhooks(siteId, after, limit) {
      const from = after
        ? sql` AND (created_at > ${t(after.createdAt)} OR (created_at = ${t(after.createdAt)} AND id > ${after.id}))`
        : sql``;
      const rows = await runner.all(
        sql`SELECT ${WEBHOOK_SELECT(dialect)} FROM webhooks WHERE site_id = ${siteId}${from} ORDER BY created_at, id LIMIT ${limit}`,
      );
      return rows.map(toWebhookRow);
    },

    async deleteWebhook(siteId, id) {
      // Attempts go with their deliveries (ON DELETE CASCADE); D1 enforces foreign keys too.
      const rows = await runner.all(
        sql`DELETE FROM webhooks WHERE site_id = ${siteId} AND id = ${id} RETURNING id`,
      );
      return rows.length > 0;
    },

    async enabledWebhooks(siteId) {
      const rows = await runner.all(
        sql`SELECT ${WEBHOOK_SELECT(dialect)} FROM webhooks WHERE site_id = ${siteId} AND enabled = ${bool(dialect, true)} ORDER BY created_at, id`,
      );
      return rows.map(toWebhookRow);
    },

    async unrelayedChanges(siteId, limit) {
      const rows = await runner.all(
        sql`SELECT id, type, lead_id, ${millis(dialect, 'occurred_at')} AS occurred_at, ${jsonText(dialect, 'data')} AS data FROM outbox WHERE site_id = ${siteId} AND relayed_at IS NULL ORDER BY occurred_at, id LIMIT ${limit}`,
      );
      return rows.map((row) => ({
        id: String(row.id),
        type: String(row.type),
        leadId: (row.lead_id as string | null) ?? null,
        occurredAt: Number(row.occurred_at),
        data: parsedJson<JsonObject>(row.data),
      }));
    },

    async sitesWithUnrelayedChanges(limit) {
      const rows = await runner.all(
        sql`SELECT DISTINCT site_id FROM outbox WHERE relayed_at IS NULL LIMIT ${limit}`,
      );
      return rows.map((row) => String(row.site_id));
    },

    async commitRelay(siteId, changeIds, deliveries, now) {
      if (changeIds.length === 0) return;
      await runner.transaction([
        ...insertDeliveries(deliveries),
        sql`UPDATE outbox SET relayed_at = ${t(now)} WHERE site_id = ${siteId} AND id IN ${inList(dialect, changeIds)}`,
      ]);
    },

    async claimDelivery(deliveryId, now, leaseUntil) {
      const [claimed] = await runner.all(
        sql`UPDATE webhook_deliveries SET lease_until = ${t(leaseUntil)} WHERE id = ${deliveryId} AND status = 'pending' AND next_attempt_at <= ${t(now)} AND (lease_until IS NULL OR lease_until < ${t(now)}) RETURNING ${DELIVERY_SELECT(dialect)}, body`,
      );
      if (!claimed) {
        const [row] = await runner.all(
          sql`SELECT status, ${millis(dialect, 'next_attempt_at')} AS next_attempt_at, ${millis(dialect, 'lease_until')} AS lease_until FROM webhook_deliveries WHERE id = ${deliveryId}`,
        );
        if (row?.status !== 'pending') return { kind: 'settled' };
        const lease = numberOrNull(row.lease_until);
        if (lease !== null && lease >= now) return { kind: 'in-flight', until: lease };
        return { kind: 'not-due', dueAt: numberOrNull(row.next_attempt_at) ?? now };
      }
      const delivery = toDeliveryRow(claimed);
      const [webhook] = await runner.all(
        sql`SELECT ${WEBHOOK_SELECT(dialect)} FROM webhooks WHERE id = ${delivery.webhookId}`,
      );
      // The subscription went away between the two statements: its deliveries went with it.
      if (!webhook) return { kind: 'settled' };
      return { delivery, body: String(claimed.body), webhook: toWebhookRow(webhook) };
    },

    async recordAttempt({ delivery, webhook }, record) {
      const { attempt } = record;
      const statements = [
        sql`INSERT INTO webhook_attempts (delivery_id, number, at, outcome, status_code, latency_ms, error) VALUES (${delivery.id}, ${attempt.number}, ${t(attempt.at)}, ${attempt.outcome}, ${attempt.statusCode}, ${attempt.latencyMs}, ${attempt.error}) ON CONFLICT DO NOTHING`,
        sql`UPDATE webhook_deliveries SET status = ${record.status}, attempts = attempts + 1, round_attempts = round_attempts + 1, next_attempt_at = ${t(record.nextAttemptAt)}, lease_until = NULL, last_status_code = ${attempt.statusCode}, last_error = ${attempt.error}, last_latency_ms = ${attempt.latencyMs}, delivered_at = ${t(record.status === 'delivered' ? attempt.at : null)} WHERE id = ${delivery.id}`,
        sql`UPDATE webhooks SET failing_since = ${t(record.failingSince)} WHERE id = ${webhook.id}`,
      ];
      if (record.disable !== undefined)
        statements.push(
          sql`UPDATE webhooks SET enabled = ${bool(dialect, false)}, disabled_reason = ${record.disable}, updated_at = ${t(attempt.at)} WHERE id = ${webhook.id}`,
          // What was still waiting for the endpoint is failed, visibly, and can be redelivered.
          sql`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = ${`endpoint disabled: ${record.disable}`} WHERE webhook_id = ${webhook.id} AND status = 'pending' AND id <> ${delivery.id}`,
        );
      await runner.transaction(statements);
    },

    async overdueDeliveries(before, limit) {
      const rows = await runner.all(
        sql`SELECT id, site_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at < ${t(before)} AND (lease_until IS NULL OR lease_until < ${t(before)}) ORDER BY next_attempt_at LIMIT ${limit}`,
      );
      return rows.map((row) => ({ id: String(row.id), siteId: String(row.site_id) }));
    },

    async listDeliveries(siteId, webhookId, { status, before, limit }) {
      const filter = status ? sql` AND status = ${status}` : sql``;
      const page = before
        ? sql` AND (created_at < ${t(before.createdAt)} OR (created_at = ${t(before.createdAt)} AND id < ${before.id}))`
        : sql``;
      const rows = await runner.all(
        sql`SELECT ${DELIVERY_SELECT(dialect)} FROM webhook_deliveries WHERE site_id = ${siteId} AND webhook_id = ${webhookId}${filter}${page} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      );
      const deliveries = rows.map(toDeliveryRow);
      const attempts = await attemptsOf(deliveries.map((d) => d.id));
      return deliveries.map((delivery) => ({
        delivery,
        attempts: attempts.get(delivery.id) ?? [],
      }));
    },

    async getDelivery(siteId, id) {
      const [row] = await runner.all(
        sql`SELECT ${DELIVERY_SELECT(dialect)} FROM webhook_deliveries WHERE site_id = ${siteId} AND id = ${id}`,
      );
      if (!row) return null;
      const delivery = toDeliveryRow(row);
      return { delivery, attempts: (await attemptsOf([id])).get(id) ?? [] };
    },

    async redeliver(siteId, id, now) {
      const rows = await runner.all(
        sql`UPDATE webhook_deliveries SET status = 'pending', round_attempts = 0, next_attempt_at = ${t(now)}, lease_until = NULL, delivered_at = NULL WHERE site_id = ${siteId} AND id = ${id} RETURNING id`,
      );
      return rows.length > 0;
    },

    async failDeliveries(ids, reason) {
      if (ids.length === 0) return;
      await runner.transaction([
        sql`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = ${reason} WHERE id IN ${inList(dialect, ids)} AND status = 'pending'`,
      ]);
    },

    async insertDeliveries(deliveries) {
      if (deliveries.length > 0) await runner.transaction(insertDeliveries(deliveries));
    },
  };
}
