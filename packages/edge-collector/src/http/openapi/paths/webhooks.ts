import {
  createWebhookSchema,
  listWebhookDeliveriesQuerySchema,
  listWebhooksQuerySchema,
  rotatedWebhookSchema,
  rotateWebhookSecretSchema,
  updateWebhookSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookListSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from '@leadloop/schema';
import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { described } from '../described.ts';
import { json, location, noContent, problems, SECRET_KEY_ERRORS } from '../responses.ts';

const webhookId = z.object({ id: z.string().meta({ description: 'The webhook’s id (`wh_…`).' }) });
const deliveryId = z.object({
  id: z.string().meta({ description: 'The delivery’s id (`msg_…`), its `webhook-id` header.' }),
});
const body = (schema: z.ZodType, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});
const tags = ['Webhooks'];

const listWebhooksQuery = described(listWebhooksQuerySchema, {
  limit: 'Webhooks per page.',
  cursor: '`nextCursor` of the previous page.',
});
const listDeliveriesQuery = described(listWebhookDeliveriesQuerySchema, {
  status: 'Only deliveries in this state.',
  limit: 'Deliveries per page.',
  cursor: '`nextCursor` of the previous page; keep `status` as it was.',
});

/** `/v1/webhooks` (subscriptions) and `/v1/webhook-deliveries` (the delivery log). */
export const webhookPaths: ZodOpenApiPathsObject = {
  '/v1/webhooks': {
    post: {
      tags,
      operationId: 'createWebhook',
      summary: 'Subscribe an endpoint',
      description:
        'Deliveries follow Standard Webhooks, signed with the `secret` shown in this answer only. ' +
        'Outside development, private, loopback and metadata addresses are refused.',
      requestBody: body(createWebhookSchema.meta({ id: 'CreateWebhook' })),
      responses: {
        201: json(
          'The subscription, with its signing secret.',
          webhookWithSecretSchema,
          location('the new webhook'),
        ),
        ...problems(400, ...SECRET_KEY_ERRORS, 413, 415),
      },
    },
    get: {
      tags,
      operationId: 'listWebhooks',
      summary: 'List webhooks',
      requestParams: { query: listWebhooksQuery },
      responses: {
        200: json('A page of webhooks, oldest first.', webhookListSchema),
        ...problems(400, ...SECRET_KEY_ERRORS),
      },
    },
  },
  '/v1/webhooks/{id}': {
    get: {
      tags,
      operationId: 'getWebhook',
      summary: 'Retrieve a webhook',
      requestParams: { path: webhookId },
      responses: {
        200: json('The webhook.', webhookSchema),
        ...problems(...SECRET_KEY_ERRORS, 404),
      },
    },
    patch: {
      tags,
      operationId: 'updateWebhook',
      summary: 'Update a webhook',
      description:
        'What is given replaces what was; `enabled: true` re-enables a disabled endpoint.',
      requestParams: { path: webhookId },
      requestBody: body(updateWebhookSchema.meta({ id: 'UpdateWebhook' })),
      responses: {
        200: json('The webhook as updated.', webhookSchema),
        ...problems(400, ...SECRET_KEY_ERRORS, 404, 413, 415),
      },
    },
    delete: {
      tags,
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook',
      requestParams: { path: webhookId },
      responses: { 204: noContent('Deleted.'), ...problems(...SECRET_KEY_ERRORS, 404) },
    },
  },
  '/v1/webhooks/{id}/rotate-secret': {
    post: {
      tags,
      operationId: 'rotateWebhookSecret',
      summary: 'Rotate the signing secret',
      description: 'Both secrets sign during the grace period, so receivers switch without a gap.',
      requestParams: { path: webhookId },
      requestBody: body(rotateWebhookSecretSchema.meta({ id: 'RotateWebhookSecret' }), false),
      responses: {
        200: json('The webhook with its new secret.', rotatedWebhookSchema),
        ...problems(400, ...SECRET_KEY_ERRORS, 404, 413, 415),
      },
    },
  },
  '/v1/webhooks/{id}/test': {
    post: {
      tags,
      operationId: 'testWebhook',
      summary: 'Send a test event',
      description: 'Sends `webhook.test` now and answers with how the endpoint took it.',
      requestParams: { path: webhookId },
      responses: {
        200: json('The delivery, after its first attempt.', webhookDeliverySchema),
        ...problems(...SECRET_KEY_ERRORS, 404),
      },
    },
  },
  '/v1/webhooks/{id}/deliveries': {
    get: {
      tags,
      operationId: 'listWebhookDeliveries',
      summary: 'List a webhook’s deliveries',
      requestParams: { path: webhookId, query: listDeliveriesQuery },
      responses: {
        200: json(
          'A page of deliveries, newest first, each with its attempts.',
          webhookDeliveryListSchema,
        ),
        ...problems(400, ...SECRET_KEY_ERRORS, 404),
      },
    },
  },
  '/v1/webhook-deliveries/{id}': {
    get: {
      tags,
      operationId: 'getWebhookDelivery',
      summary: 'Retrieve a delivery',
      requestParams: { path: deliveryId },
      responses: {
        200: json('The delivery and its attempts.', webhookDeliverySchema),
        ...problems(...SECRET_KEY_ERRORS, 404),
      },
    },
  },
  '/v1/webhook-deliveries/{id}/redeliver': {
    post: {
      tags,
      operationId: 'redeliverWebhookDelivery',
      summary: 'Redeliver',
      description: 'Makes a delivery (a failed one, typically) pending and due now.',
      requestParams: { path: deliveryId },
      responses: {
        202: json('The delivery, queued again.', webhookDeliverySchema),
        ...problems(...SECRET_KEY_ERRORS, 404),
      },
    },
  },
};
