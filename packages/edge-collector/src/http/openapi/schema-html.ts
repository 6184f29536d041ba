// JSON Schemas of the document as HTML for the reference page: a type label per schema and a
// property list per object. Components are linked, not expanded, so each is written out once.

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

const MAX_DEPTH = 5;

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Backtick code, **bold** and blank-line paragraphs: all the document's descriptions use. */
export function markdown(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n{2,}/)
    .map((paragraph) => {
      const html = escapeHtml(paragraph)
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
      return `<p>${html}</p>`;
    })
    .join('');
}

export const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
export const schemaAnchor = (name: string) => `schema-${name}`;

const isNull = (schema: JsonSchema) => schema.type === 'null';

/** `string`, `Lead | null`, `array of WebhookAttempt`, `"pageview"`. */
export function typeLabel(schema: JsonSchema): string {
  if (schema.$ref) {
    const name = escapeHtml(refName(schema.$ref));
    return `<a href="#${schemaAnchor(name)}">${name}</a>`;
  }
  if (schema.const !== undefined) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeLabel).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return 'any';
  return types
    .map((type) => {
      if (type === 'array') return `array of ${schema.items ? typeLabel(schema.items) : 'any'}`;
      if (
        type === 'object' &&
        !schema.properties &&
        typeof schema.additionalProperties === 'object'
      )
        return `map of ${typeLabel(schema.additionalProperties)}`;
      return type === 'string' && schema.format ? `string (${escapeHtml(schema.format)})` : type;
    })
    .join(' | ');
}

const SAFE_INTEGER = 9007199254740991;

/** Limits, allowed values and default, as short phrases. */
export function constraints(schema: JsonSchema): string[] {
  const notes: string[] = [];
  const code = (value: unknown) => `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  if (schema.enum) notes.push(`one of ${schema.enum.map(code).join(', ')}`);
  if (schema.items?.enum) notes.push(`each one of ${schema.items.enum.map(code).join(', ')}`);
  if (schema.minLength !== undefined) notes.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) notes.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined && schema.minimum > -SAFE_INTEGER)
    notes.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) notes.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined && schema.maximum < SAFE_INTEGER)
    notes.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined) notes.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) notes.push(`at most ${schema.maxItems} items`);
  // A format says it more readably than zod's regex for it.
  if (schema.pattern && !schema.format)
    notes.push(`matches <code>${escapeHtml(schema.pattern)}</code>`);
  if (schema.default !== undefined && JSON.stringify(schema.default).length <= 80)
    notes.push(`default ${code(schema.default)}`);
  return notes;
}

/** The schema to list properties of: an inline object, possibly behind `| null` or `array of`. */
function expandable(schema: JsonSchema): JsonSchema | undefined {
  if (schema.$ref) return undefined;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const rest = union.filter((member) => !isNull(member));
    return rest.length === 1 ? expandable(rest[0]!) : undefined;
  }
  if (schema.properties) return schema;
  if (schema.items) return expandable(schema.items);
  return undefined;
}

function propertyRow(name: string, schema: JsonSchema, required: boolean, depth: number): string {
  // A description set on a nullable or optional wrapper sits on the wrapper.
  const inner = (schema.anyOf ?? schema.oneOf)?.find((member) => !isNull(member)) ?? schema;
  const description = schema.description ?? inner.description;
  const notes = [...constraints(schema), ...(inner === schema ? [] : constraints(inner))];
  const nested = expandable(schema);
  return `<li><div class="prop"><code class="name">${escapeHtml(name)}</code> <span class="type">${typeLabel(schema)}</span>${
    required ? ' <span class="required">required</span>' : ''
  }</div>${description ? `<div class="pdesc">${markdown(description)}</div>` : ''}${
    notes.length ? `<div class="notes">${notes.join(' · ')}</div>` : ''
  }${nested && depth < MAX_DEPTH ? schemaBody(nested, depth + 1) : ''}</li>`;
}

/** The properties of an object schema, the variants of a union, or a line for anything else. */
export function schemaBody(schema: JsonSchema, depth = 0): string {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.some((variant) => variant.properties)) {
    return `<div class="variants">One of:${variants
      .map((variant) => {
        const tag = Object.values(variant.properties ?? {}).find((p) => p.const !== undefined);
        const title = tag ? `<code>${escapeHtml(String(tag.const))}</code>` : typeLabel(variant);
        return `<div class="variant"><div class="variant-title">${title}</div>${schemaBody(variant, depth + 1)}</div>`;
      })
      .join('')}</div>`;
  }
  if (schema.properties) {
    const required = new Set(schema.required ?? []);
    const rows = Object.entries(schema.properties).map(([name, property]) =>
      propertyRow(name, property, required.has(name), depth),
    );
    const closed = schema.additionalProperties === false && depth === 0;
    return `<ul class="props">${rows.join('')}</ul>${closed ? '<p class="closed">No other fields.</p>' : ''}`;
  }
  const nested = expandable(schema);
  if (nested && nested !== schema)
    return `<p class="type">${typeLabel(schema)}</p>${schemaBody(nested, depth + 1)}`;
  const notes = constraints(schema);
  return `<p class="type">${typeLabel(schema)}${notes.length ? ` · ${notes.join(' · ')}` : ''}</p>`;
}
