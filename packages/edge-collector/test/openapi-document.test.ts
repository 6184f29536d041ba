// `GET /v1/openapi.json` as an API tool reads it: a valid OpenAPI 3.1 document (the official
// schema, as @seriousme/openapi-schema-validator checks it, and every $ref resolving), whose
// schemas are clean JSON Schema 2020-12, served where the collector is, base path included.

import { costSchema, createSiteSchema, webhookEventTypes } from '@leadloop/schema';
import oas31 from '@seriousme/openapi-schema-validator/schemas/v3.1/schema.json';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_VERSION } from '../src/http/openapi/document.ts';
import { request } from './helpers.ts';

type Json = Record<string, unknown>;
type Parameter = { name: string; in: string; description?: string };
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { $ref?: string; headers?: Record<string, unknown> }>;
};
type Document = Json & {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json>;
    responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
    securitySchemes: Record<string, Json>;
  };
};

const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule;

/** Every local `$ref` in `document` that points at nothing. */
function danglingRefs(document: unknown): string[] {
  const resolves = (ref: string) =>
    ref
      .slice(2)
      .split('/')
      .map((part) => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>(
        (node, key) => (node as Record<string, unknown> | undefined)?.[key],
        document,
      ) !== undefined;
  const dangling: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (
          key === '$ref' &&
          typeof value === 'string' &&
          !(value.startsWith('#/') && resolves(value))
        )
          dangling.push(value);
        else visit(value);
      }
  };
  visit(document);
  return dangling;
}

/** The validator's check: the official OpenAPI 3.1 schema, then every reference. */
function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  // As @seriousme/openapi-schema-validator sets it up; its file reading does not run in workerd.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('media-range', true);
  const validate = ajv.compile(oas31);
  if (!validate(document)) return { valid: false, errors: validate.errors };
  const dangling = danglingRefs(document);
  return dangling.length ? { valid: false, errors: dangling } : { valid: true };
}

let doc: Document;
let response: Response;

beforeAll(async () => {
  response = await request('/v1/openapi.json');
  doc = (await response.clone().json()) as Document;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

describe('GET /v1/openapi.json', () => {
  it('is public JSON that any origin may read', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = validateOpenApi(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('is refused by the same check when it is broken', () => {
    expect(validateOpenApi({ ...doc, info: { title: 'Leadloop' } }).valid).toBe(false);
    const dangling = structuredClone(doc);
    dangling.paths['/healthz']!.get!.responses['200'] = { $ref: '#/components/responses/Nothing' };
    expect(validateOpenApi(dangling).valid).toBe(false);
  });

  it('has only schemas that compile as strict JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
    addFormats(ajv);
    // `examples` is JSON Schema's own, `discriminator` the OpenAPI 3.1 dialect's (it tells code
    // generators which member of a `oneOf` a `kind` names); nothing else outside them may appear.
    ajv.addKeyword('components');
    ajv.addKeyword('discriminator');
    ajv.addSchema({
      $id: 'urn:leadloop:components',
      components: { schemas: doc.components.schemas },
    });
    for (const name of Object.keys(doc.components.schemas))
      expect(ajv.getSchema(`urn:leadloop:components#/components/schemas/${name}`), name).toBeTypeOf(
        'function',
      );
  });

  it('says who it is and where the API is', () => {
    expect(doc.info).toMatchObject({ title: 'Leadloop', version: API_VERSION });
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminToken', 'secretKey']);
    expect(doc.components.securitySchemes.secretKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.security).toEqual([{ secretKey: [] }]);
  });

  it('names every operation once, files it under a listed tag and states its credentials', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = doc.tags.map((tag) => tag.name);
    for (const { path, method, operation } of operations()) {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(tags, `${method} ${path}`).toContain(operation.tags?.[0]);
      // Public routes say so; /v1 routes take the default secret key unless they are admin or collect.
      const open = [
        '/healthz',
        '/leadloop.js',
        '/v1/openapi.json',
        '/docs',
        '/report',
        '/report.js',
        '/v1/collect',
      ];
      if (open.includes(path)) expect(operation.security, path).toEqual([]);
      else if (path.startsWith('/v1/admin/'))
        expect(operation.security).toEqual([{ adminToken: [] }]);
      else expect(operation.security, `${method} ${path}`).toBeUndefined();
    }
  });

  it('answers every error as a Problem, by reference', () => {
    for (const { path, method, operation } of operations())
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect(answer.$ref, `${method} ${path} ${status}`).toMatch(/^#\/components\/responses\//);
      }
    for (const [name, shared] of Object.entries(doc.components.responses))
      expect(shared.content['application/problem+json']?.schema, name).toEqual({
        $ref: '#/components/schemas/Problem',
      });
    expect(doc.components.schemas.Problem).toMatchObject({
      required: ['type', 'title', 'status'],
      additionalProperties: false,
    });
  });

  it('is generated from the zod schemas the routes validate with', () => {
    // What the admin route parses is what the document says it takes.
    const expected = z.toJSONSchema(createSiteSchema, { io: 'input', target: 'draft-2020-12' });
    const { $schema: _, ...body } = expected as Json;
    expect(doc.components.schemas.CreateSite).toEqual(body);
  });

  it('documents the answers with the schemas packages/schema keeps beside their types', () => {
    const generated = z.toJSONSchema(costSchema, { io: 'output', target: 'draft-2020-12' }) as {
      $defs: Record<string, Json>;
    };
    expect(doc.components.schemas.Cost).toEqual(generated.$defs.Cost);
  });

  it('describes every filter of GET /v1/leads', () => {
    const parameters = doc.paths['/v1/leads']!.get!.parameters ?? [];
    const filters = ['status', 'minScore', 'email', 'phone', 'channel', 'updatedSince'];
    for (const name of [...filters, 'limit', 'cursor']) {
      const parameter = parameters.find((candidate) => candidate.name === name);
      expect(parameter, name).toMatchObject({ in: 'query' });
      expect(parameter!.description, name).toBeTruthy();
    }
  });

  it('lets the POSTs that move money be retried: Idempotency-Key in, Idempotent-Replayed out', () => {
    for (const path of ['/v1/conversions', '/v1/costs']) {
      const post = doc.paths[path]!.post!;
      expect(
        post.parameters?.map(({ name, in: where }) => `${where} ${name}`),
        path,
      ).toContain('header idempotency-key');
      for (const [status, answer] of Object.entries(post.responses))
        if (status.startsWith('2'))
          expect(Object.keys(answer.headers ?? {}), `${path} ${status}`).toContain(
            'idempotent-replayed',
          );
      expect(Object.keys(post.responses), path).toContain('409');
    }
  });

  it('lists every webhook event type, conversion.recorded included', () => {
    const webhooks = doc.tags.find((tag) => tag.name === 'Webhooks')!.description!;
    for (const type of webhookEventTypes) expect(webhooks).toContain(`\`${type}\``);
    expect(JSON.stringify(doc.components.schemas.CreateWebhook)).toContain('conversion.recorded');
  });

  it('lists the API under the base path when read there', async () => {
    const underBase = (await (await request('/ll/v1/openapi.json')).json()) as Document;
    expect(underBase.servers).toEqual([{ url: '/ll' }]);
    expect(underBase.paths).toEqual(doc.paths);
  });
});
