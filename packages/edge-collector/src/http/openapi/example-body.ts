import { type JsonSchema, refName } from './schema-html.ts';

// A request body a reader can start from, built from the schema: required fields only, each with
// its example, default, first enum value or a placeholder of the right shape.

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2026-01-31T09:30:00.000Z',
  date: '2026-01-31',
  uuid: '0b9c6f7e-3d1a-4c5b-8e2f-6a7d9c1b2e3f',
  uri: 'https://www.acme.com/',
  email: 'jane@acme.com',
};

export function exampleBody(
  schema: JsonSchema,
  schemas: Record<string, JsonSchema>,
  depth = 0,
): unknown {
  if (schema.$ref) return exampleBody(schemas[refName(schema.$ref)] ?? {}, schemas, depth);
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const union = schema.oneOf ?? schema.anyOf;
  if (union?.length) return exampleBody(union[0]!, schemas, depth);
  if (depth > 6) return null;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {}).filter(([name]) =>
        required.has(name),
      );
      return Object.fromEntries(
        entries.map(([name, property]) => [name, exampleBody(property, schemas, depth + 1)]),
      );
    }
    case 'array':
      return schema.items ? [exampleBody(schema.items, schemas, depth + 1)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    case 'string':
      return (schema.format && FORMAT_SAMPLES[schema.format]) ?? 'string';
    default:
      return null;
  }
}
