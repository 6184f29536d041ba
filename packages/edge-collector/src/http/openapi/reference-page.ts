import type { OpenApiDocument } from './document.ts';
import { exampleBody } from './example-body.ts';
import { REFERENCE_CSS } from './reference-css.ts';
import {
  constraints,
  escapeHtml,
  type JsonSchema,
  markdown,
  refName,
  schemaAnchor,
  schemaBody,
  typeLabel,
} from './schema-html.ts';

// The browsable reference at /docs: one self-contained page rendered from the document on the
// server. No script, no external asset (it works offline and under a base path); its one link
// to the document is relative.

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'] as const;

type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
};
type Media = { schema?: JsonSchema };
type ResponseSpec = {
  $ref?: string;
  description?: string;
  content?: Record<string, Media>;
  headers?: Record<string, { description?: string }>;
};
type Operation = {
  operationId?: string;
  /** Credentials that no security scheme can describe (a key in the body). */
  'x-credentials'?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media>; required?: boolean };
  responses?: Record<string, ResponseSpec>;
};
type Entry = { method: (typeof METHODS)[number]; path: string; operation: Operation; id: string };

function operations(doc: OpenApiDocument): Entry[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, Operation | undefined>)[method];
      return operation
        ? [{ method, path, operation, id: `op-${operation.operationId ?? `${method}-${path}`}` }]
        : [];
    }),
  );
}

/** Who may call: the operation's own `security`, else the document's. */
function authLabel(operation: Operation, doc: OpenApiDocument): string {
  if (operation['x-credentials'])
    return markdown(operation['x-credentials']).replace(/<\/?p>/g, '');
  const security = operation.security ?? doc.security ?? [];
  const names = security.flatMap((requirement) => Object.keys(requirement));
  if (names.length === 0) return 'none: public.';
  return names
    .map((name) => `<a href="#auth-${escapeHtml(name)}">${escapeHtml(name)}</a>`)
    .join(' or ');
}

function parametersTable(parameters: Parameter[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map((parameter) => {
    const schema = parameter.schema ?? {};
    const notes = constraints(schema);
    return `<li><div class="prop"><code class="name">${escapeHtml(parameter.name)}</code> <span class="in">${escapeHtml(parameter.in)}</span> <span class="type">${typeLabel(schema)}</span>${
      parameter.required ? ' <span class="required">required</span>' : ''
    }</div>${markdown(parameter.description ?? schema.description)}${notes.length ? `<div class="notes">${notes.join(' · ')}</div>` : ''}</li>`;
  });
  return `<h4>Parameters</h4><ul class="props">${rows.join('')}</ul>`;
}

/** A body's media types and its schema; a component is expanded here, one level deep. */
function content(media: Record<string, Media> | undefined, doc: OpenApiDocument): string {
  if (!media) return '';
  const types = Object.keys(media);
  const schema = Object.values(media)[0]?.schema;
  const schemas = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;
  let shown = '';
  if (schema?.$ref) {
    const component = schemas[refName(schema.$ref)];
    shown = `<p class="type">${typeLabel(schema)}</p>${component ? schemaBody(component) : ''}`;
  } else if (schema) shown = schemaBody(schema);
  return `<p class="media">${types.map((type) => `<code>${escapeHtml(type)}</code>`).join(' or ')}</p>${shown}`;
}

function responsesList(operation: Operation, doc: OpenApiDocument): string {
  const shared = (doc.components?.responses ?? {}) as Record<string, ResponseSpec>;
  const items = Object.entries(operation.responses ?? {}).map(([status, response]) => {
    const resolved = response.$ref ? (shared[refName(response.$ref)] ?? {}) : response;
    const success = status.startsWith('2') || status.startsWith('3');
    const headers = Object.entries(resolved.headers ?? {})
      .map(
        ([name, header]) =>
          `<code>${escapeHtml(name)}</code>${header.description ? ` ${markdown(header.description).replace(/<\/?p>/g, '')}` : ''}`,
      )
      .join(' · ');
    const body = success ? content(resolved.content, doc) : '';
    return `<li class="response"><span class="status s${status[0]}">${escapeHtml(status)}</span> ${markdown(resolved.description).replace(/<\/?p>/g, '')}${
      !success && resolved.content ? ' <a href="#schema-Problem">Problem</a>' : ''
    }${headers ? `<div class="notes">Headers: ${headers}</div>` : ''}${body}</li>`;
  });
  return `<h4>Responses</h4><ul class="responses">${items.join('')}</ul>`;
}

function curl(entry: Entry, doc: OpenApiDocument, baseUrl: string): string {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const security = entry.operation.security ?? doc.security ?? [];
  const scheme = security.flatMap((requirement) => Object.keys(requirement))[0];
  const lines = [`curl -X ${entry.method.toUpperCase()} "${baseUrl}${entry.path}"`];
  if (scheme === 'secretKey') lines.push('-H "Authorization: Bearer $LEADLOOP_SECRET_KEY"');
  if (scheme === 'adminToken') lines.push('-H "Authorization: Bearer $LEADLOOP_ADMIN_TOKEN"');
  const schema = Object.values(entry.operation.requestBody?.content ?? {})[0]?.schema;
  if (schema) {
    lines.push('-H "Content-Type: application/json"');
    const body = JSON.stringify(exampleBody(schema, schemas), null, 2).replaceAll("'", "'\\''");
    lines.push(`-d '${body}'`);
  }
  return `<h4>Example</h4><pre><code>${escapeHtml(lines.join(' \\\n  '))}</code></pre>`;
}

function operationHtml(entry: Entry, doc: OpenApiDocument, baseUrl: string): string {
  const { operation } = entry;
  return `<article class="operation" id="${escapeHtml(entry.id)}">
<h3>${escapeHtml(operation.summary ?? entry.path)}</h3>
<p class="endpoint"><span class="method ${entry.method}">${entry.method.toUpperCase()}</span> <code>${escapeHtml(entry.path)}</code></p>
${markdown(operation.description)}
<p class="auth"><strong>Authentication:</strong> ${authLabel(operation, doc)}</p>
${parametersTable(operation.parameters ?? [])}
${operation.requestBody ? `<h4>Request body${operation.requestBody.required ? '' : ' (optional)'}</h4>${content(operation.requestBody.content, doc)}` : ''}
${responsesList(operation, doc)}
${curl(entry, doc, baseUrl)}
</article>`;
}

/**
 * The page. `baseUrl` is where the API answers (`https://collector.acme.com/ll`), for the
 * examples only.
 */
export function referencePage(doc: OpenApiDocument, baseUrl: string): string {
  const entries = operations(doc);
  const tags = (doc.tags ?? []).filter((tag) =>
    entries.some((entry) => entry.operation.tags?.includes(tag.name)),
  );
  const byTag = (name: string) => entries.filter((entry) => entry.operation.tags?.[0] === name);
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, JsonSchema>);
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}) as [
    string,
    { description?: string },
  ][];
  const title = `${doc.info.title} API reference`;

  const nav = tags
    .map(
      (tag) =>
        `<h2><a href="#tag-${escapeHtml(tag.name)}">${escapeHtml(tag.name)}</a></h2><ul>${byTag(
          tag.name,
        )
          .map(
            (entry) =>
              `<li><a href="#${escapeHtml(entry.id)}"><span class="method ${entry.method}">${entry.method === 'delete' ? 'DEL' : entry.method === 'options' ? 'OPT' : entry.method.toUpperCase()}</span> ${escapeHtml(entry.operation.summary ?? entry.path)}</a></li>`,
          )
          .join('')}</ul>`,
    )
    .join('');

  const sections = tags
    .map(
      (tag) =>
        `<section id="tag-${escapeHtml(tag.name)}"><h2>${escapeHtml(tag.name)}</h2>${markdown(tag.description)}${byTag(
          tag.name,
        )
          .map((entry) => operationHtml(entry, doc, baseUrl))
          .join('')}</section>`,
    )
    .join('');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REFERENCE_CSS}</style>
</head>
<body>
<nav class="sidebar" aria-label="Operations">
<a class="brand" href="#top">${escapeHtml(doc.info.title)} <span>API</span></a>
<ul><li><a href="#introduction">Introduction</a></li><li><a href="#authentication">Authentication</a></li></ul>
${nav}
<h2><a href="#schemas">Schemas</a></h2>
</nav>
<main>
<header id="top">
<h1>${escapeHtml(title)}</h1>
<p class="meta">Version ${escapeHtml(doc.info.version)} · OpenAPI ${escapeHtml(doc.openapi)} · <a href="v1/openapi.json" download>openapi.json</a></p>
<p class="meta">Base URL <code>${escapeHtml(baseUrl)}</code></p>
</header>
<section id="introduction"><h2>Introduction</h2>${markdown(doc.info.description)}</section>
<section id="authentication"><h2>Authentication</h2><ul class="props">${schemes
    .map(
      ([name, scheme]) =>
        `<li id="auth-${escapeHtml(name)}"><code class="name">${escapeHtml(name)}</code>${markdown(scheme.description)}</li>`,
    )
    .join(
      '',
    )}<li><code class="name">writeKey</code><p>The public write key <code>pk_…</code>, in the body of <code>POST /v1/collect</code> only.</p></li></ul></section>
${sections}
<section id="schemas"><h2>Schemas</h2>${schemas
    .map(
      ([name, schema]) =>
        `<article class="schema" id="${schemaAnchor(escapeHtml(name))}"><h3>${escapeHtml(name)}</h3>${markdown(schema.description)}${schemaBody(schema)}</article>`,
    )
    .join('')}</section>
</main>
</body>
</html>`;
}
