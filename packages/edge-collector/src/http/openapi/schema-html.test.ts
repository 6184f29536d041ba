import { describe, expect, it } from 'vitest';
import { exampleBody } from './example-body.ts';
import { markdown, schemaBody, typeLabel } from './schema-html.ts';

describe('markdown', () => {
  it('escapes HTML before adding code, bold and paragraphs', () => {
    expect(markdown('Send `<b>` **now**\n\n<script>x</script>')).toBe(
      '<p>Send <code>&lt;b&gt;</code> <strong>now</strong></p><p>&lt;script&gt;x&lt;/script&gt;</p>',
    );
  });
});

describe('typeLabel', () => {
  it('links components, spells unions, arrays and maps', () => {
    expect(
      typeLabel({ anyOf: [{ $ref: '#/components/schemas/LeadTouch' }, { type: 'null' }] }),
    ).toBe('<a href="#schema-LeadTouch">LeadTouch</a> | null');
    expect(typeLabel({ type: 'array', items: { type: 'string', format: 'date-time' } })).toBe(
      'array of string (date-time)',
    );
    expect(typeLabel({ type: 'object', additionalProperties: { type: 'number' } })).toBe(
      'map of number',
    );
    expect(typeLabel({ const: 'pageview' })).toBe('<code>&quot;pageview&quot;</code>');
  });
});

describe('schemaBody', () => {
  it('lists properties with required marks, limits and nested objects', () => {
    const html = schemaBody({
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      properties: {
        url: { type: 'string', maxLength: 2048 },
        filters: { type: 'object', properties: { minScore: { type: 'integer', minimum: 0 } } },
      },
    });
    expect(html).toContain(
      '<code class="name">url</code> <span class="type">string</span> <span class="required">required</span>',
    );
    expect(html).toContain('at most 2048 characters');
    expect(html).toContain('<code class="name">minScore</code>');
    expect(html).toContain('No other fields.');
  });

  it('shows each variant of a tagged union under its tag', () => {
    const variant = (type: string) => ({ type: 'object', properties: { type: { const: type } } });
    const html = schemaBody({ oneOf: [variant('pageview'), variant('track')] });
    expect(html).toContain('<div class="variant-title"><code>pageview</code></div>');
    expect(html).toContain('<div class="variant-title"><code>track</code></div>');
  });
});

describe('exampleBody', () => {
  it('fills required fields from examples, enums and formats, following references', () => {
    const schemas = {
      Filters: {
        type: 'object',
        required: ['minScore'],
        properties: { minScore: { type: 'integer', minimum: 5 } },
      },
    };
    const body = exampleBody(
      {
        type: 'object',
        required: ['url', 'eventTypes', 'filters', 'at'],
        properties: {
          url: { type: 'string', format: 'uri' },
          eventTypes: { type: 'array', items: { enum: ['lead.created', '*'] } },
          filters: { $ref: '#/components/schemas/Filters' },
          at: { type: 'string', examples: ['2026-05-01T00:00:00Z'] },
          optional: { type: 'string' },
        },
      },
      schemas,
    );
    expect(body).toEqual({
      url: 'https://www.acme.com/',
      eventTypes: ['lead.created'],
      filters: { minScore: 5 },
      at: '2026-05-01T00:00:00Z',
    });
  });
});
