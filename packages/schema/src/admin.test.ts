import { describe, expect, it } from 'vitest';
import {
  createApiKeySchema,
  createSiteSchema,
  listSitesQuerySchema,
  updateSiteSchema,
} from './admin.ts';
import { type FieldError, toFieldErrors } from './problem.ts';

const ORIGIN = 'https://example.com';

function site(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Acme', allowedOrigins: [ORIGIN], ...overrides };
}

function errorsOf(input: unknown): FieldError[] {
  const result = createSiteSchema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error);
}

const pathsOf = (input: unknown) => errorsOf(input).map((error) => error.path);

describe('createSiteSchema', () => {
  it('accepts the minimal body and defaults the time zone to UTC', () => {
    expect(createSiteSchema.parse(site())).toEqual({
      name: 'Acme',
      allowedOrigins: [ORIGIN],
      timezone: 'UTC',
      ignoredIdentifiers: [],
      retentionDays: null,
    });
  });

  it('keeps every field of a full body', () => {
    const body = site({
      allowedOrigins: [ORIGIN, 'https://*.example.com'],
      timezone: 'Europe/Paris',
      defaultCountry: 'FR',
      ignoredIdentifiers: ['info@example.com', 'sales@*'],
      retentionDays: 90,
    });
    expect(createSiteSchema.parse(body)).toEqual(body);
  });

  it('refuses an unknown key, so a typo never passes silently', () => {
    const errors = errorsOf({ name: 'Acme', allowedOrigins: [ORIGIN], allowedOrigin: [ORIGIN] });
    expect(errors).toEqual([{ path: 'allowedOrigin', message: 'Unknown field' }]);
  });

  it('refuses a misspelt optional key', () => {
    expect(pathsOf(site({ timeZone: 'Europe/Paris' }))).toEqual(['timeZone']);
  });

  it.each([
    [{}, ['allowedOrigins', 'name']],
    [{ name: 'Acme' }, ['allowedOrigins']],
    [{ allowedOrigins: [] }, ['name']],
  ])('requires name and allowedOrigins (%j)', (input, paths) => {
    expect(pathsOf(input).sort()).toEqual(paths);
  });

  it.each([null, 'Acme', []])('rejects a body that is not an object (%j)', (input) => {
    expect(pathsOf(input)).toEqual(['']);
  });
});

describe('name', () => {
  it('is trimmed', () => {
    expect(createSiteSchema.parse(site({ name: '  Acme Inc.  ' })).name).toBe('Acme Inc.');
  });

  it.each(['', '   ', '\n\t'])('rejects an empty or blank name (%j)', (name) => {
    expect(pathsOf(site({ name }))).toEqual(['name']);
  });

  it('accepts 200 characters and rejects 201', () => {
    expect(pathsOf(site({ name: 'n'.repeat(200) }))).toEqual([]);
    expect(pathsOf(site({ name: 'n'.repeat(201) }))).toEqual(['name']);
  });

  it('measures the length after trimming', () => {
    expect(pathsOf(site({ name: ` ${'n'.repeat(200)} ` }))).toEqual([]);
  });
});

describe('allowedOrigins', () => {
  it.each([
    'https://example.com',
    'http://example.com',
    'http://localhost:8787',
    'https://shop.example.co.uk',
    'https://*.example.com',
    'https://example.com:8443',
    'https://Example.COM',
    'http://127.0.0.1:3000',
  ])('accepts %s', (origin) => {
    expect(pathsOf(site({ allowedOrigins: [origin] }))).toEqual([]);
  });

  it.each([
    'example.com',
    'https://example.com/',
    'https://example.com/path',
    'https://example.com?x=1',
    'ftp://example.com',
    'wss://example.com',
    '*',
    'https://*',
    'https://*example.com',
    'https://*.*.example.com',
    'https://shop.*.example.com',
    'https://user@example.com',
    'https://example.com:123456',
    'https://exa mple.com',
    'https://*.com',
    'https://*.test:8080',
    'https://-..',
    'https://a..b.com',
    '',
  ])('rejects %j at the path of that origin', (origin) => {
    const errors = errorsOf(site({ allowedOrigins: [ORIGIN, origin] }));
    expect(errors).toEqual([
      {
        path: 'allowedOrigins.1',
        message: 'Expected an origin such as https://example.com or https://*.example.com',
      },
    ]);
  });

  it('accepts an origin of 253 characters and rejects 254', () => {
    const origin = (length: number) => `https://${'a'.repeat(length - 12)}.com`;
    expect(origin(253)).toHaveLength(253);
    expect(pathsOf(site({ allowedOrigins: [origin(253)] }))).toEqual([]);
    expect(pathsOf(site({ allowedOrigins: [origin(254)] }))).toEqual(['allowedOrigins.0']);
  });

  it('accepts an empty list (server-side sending only)', () => {
    expect(pathsOf(site({ allowedOrigins: [] }))).toEqual([]);
  });

  it('accepts 100 origins and rejects 101', () => {
    const origins = (count: number) =>
      Array.from({ length: count }, (_, index) => `https://site${index}.example.com`);
    expect(pathsOf(site({ allowedOrigins: origins(100) }))).toEqual([]);
    expect(pathsOf(site({ allowedOrigins: origins(101) }))).toEqual(['allowedOrigins']);
  });

  it('rejects a single string instead of a list', () => {
    expect(pathsOf(site({ allowedOrigins: ORIGIN }))).toEqual(['allowedOrigins']);
  });
});

describe('timezone', () => {
  it.each([
    'UTC',
    'Europe/Paris',
    'America/New_York',
    'Asia/Kolkata',
    'America/Argentina/Buenos_Aires',
  ])('accepts %s and keeps it', (timezone) => {
    expect(createSiteSchema.parse(site({ timezone })).timezone).toBe(timezone);
  });

  it('stores the canonical spelling of a zone', () => {
    expect(createSiteSchema.parse(site({ timezone: 'europe/paris' })).timezone).toBe(
      'Europe/Paris',
    );
  });

  it.each(['Mars/Olympus_Mons', 'Europe/Pariss', 'Paris', 'GMT+25', '', '+01:00'])(
    'rejects %j at path timezone',
    (timezone) => {
      expect(errorsOf(site({ timezone }))).toEqual([
        { path: 'timezone', message: 'Expected an IANA time zone such as Europe/Paris' },
      ]);
    },
  );

  it('rejects a time zone that is not a string', () => {
    expect(pathsOf(site({ timezone: 1 }))).toEqual(['timezone']);
  });
});

describe('defaultCountry', () => {
  it('is optional and left out when not given', () => {
    expect(createSiteSchema.parse(site())).not.toHaveProperty('defaultCountry');
  });

  it.each(['US', 'DE', 'GB'])('accepts %s', (defaultCountry) => {
    expect(createSiteSchema.parse(site({ defaultCountry })).defaultCountry).toBe(defaultCountry);
  });

  it.each(['us', 'Us', 'USA', 'U', '12', 'U1', ''])(
    'rejects %j at path defaultCountry',
    (defaultCountry) => {
      expect(errorsOf(site({ defaultCountry }))).toEqual([
        {
          path: 'defaultCountry',
          message: 'Expected an ISO 3166-1 alpha-2 code such as US',
        },
      ]);
    },
  );

  it('rejects null', () => {
    expect(pathsOf(site({ defaultCountry: null }))).toEqual(['defaultCountry']);
  });
});

describe('retentionDays', () => {
  it.each([30, 365, 3650, null])('accepts %s at creation and in a change', (retentionDays) => {
    expect(createSiteSchema.parse(site({ retentionDays })).retentionDays).toBe(retentionDays);
    expect(updateSiteSchema.parse({ retentionDays })).toEqual({ retentionDays });
  });

  it.each([29, 0, -30, 3651, 90.5, '90', Number.NaN])('refuses %s, naming the field', (value) => {
    expect(pathsOf(site({ retentionDays: value }))).toEqual(['retentionDays']);
    const change = updateSiteSchema.safeParse({ retentionDays: value });
    expect(change.success ? [] : toFieldErrors(change.error).map((e) => e.path)).toEqual([
      'retentionDays',
    ]);
  });

  it('refuses an empty change and a field that cannot change', () => {
    expect(updateSiteSchema.safeParse({}).success).toBe(false);
    expect(updateSiteSchema.safeParse({ name: 'Renamed' }).success).toBe(false);
  });
});

describe('createApiKeySchema', () => {
  const keyErrors = (input: unknown) => {
    const result = createApiKeySchema.safeParse(input);
    return result.success ? [] : toFieldErrors(result.error);
  };
  const keyPaths = (input: unknown) => keyErrors(input).map((error) => error.path);

  it('gives a secret key both scopes and no name by default', () => {
    expect(createApiKeySchema.parse({ kind: 'secret' })).toEqual({
      kind: 'secret',
      name: '',
      scopes: ['read', 'write'],
    });
  });

  it('keeps the scopes asked for, in one order and once each', () => {
    expect(createApiKeySchema.parse({ kind: 'secret', scopes: ['read'] }).scopes).toEqual(['read']);
    expect(
      createApiKeySchema.parse({ kind: 'secret', scopes: ['write', 'read', 'write'] }).scopes,
    ).toEqual(['read', 'write']);
  });

  it('gives a write key no scopes, and trims the name', () => {
    expect(createApiKeySchema.parse({ kind: 'write', name: '  Landing pages ' })).toEqual({
      kind: 'write',
      name: 'Landing pages',
      scopes: [],
    });
  });

  it.each([[['read']], [[]]])('refuses scopes %j on a write key at path scopes', (scopes) => {
    expect(keyErrors({ kind: 'write', scopes })).toEqual([
      { path: 'scopes', message: 'A write key has no scopes: it only sends events to /v1/collect' },
    ]);
  });

  it('refuses an empty scope list', () => {
    expect(keyErrors({ kind: 'secret', scopes: [] })).toEqual([
      { path: 'scopes', message: 'A secret key needs at least one scope: read, write' },
    ]);
  });

  it.each([
    [{}, ['kind']],
    [{ kind: 'public' }, ['kind']],
    [{ kind: 'secret', scopes: ['admin'] }, ['scopes.0']],
    [{ kind: 'secret', scopes: 'read' }, ['scopes']],
    [{ kind: 'secret', name: 7 }, ['name']],
    [{ kind: 'secret', name: 'n'.repeat(101) }, ['name']],
    [{ kind: 'secret', scope: ['read'] }, ['scope']],
    [null, ['']],
  ])('names the invalid field of %j', (input, paths) => {
    expect(keyPaths(input)).toEqual(paths);
  });
});

describe('listSitesQuerySchema', () => {
  it('defaults the page size and coerces it from the query string', () => {
    expect(listSitesQuerySchema.parse({})).toEqual({ limit: 25 });
    expect(listSitesQuerySchema.parse({ limit: '2', cursor: 'site_abc' })).toEqual({
      limit: 2,
      cursor: 'site_abc',
    });
  });

  it.each([{ limit: '0' }, { limit: '101' }, { limit: 'x' }, { cursor: 'a b' }, { page: '2' }])(
    'refuses %j',
    (query) => {
      expect(listSitesQuerySchema.safeParse(query).success).toBe(false);
    },
  );
});
