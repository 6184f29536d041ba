import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from './local-stack.ts';

// examples/api as a backend developer runs it, in TypeScript and with curl, against the collector
// on local workerd: list the new MQLs, push a CRM stage, log an offline call, erase a person.

const EXAMPLES = fileURLToPath(new URL('../examples/api/', import.meta.url));
const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const run = promisify(execFile);

let stack: LocalStack;

function script(file: string, args: string[], command = process.execPath) {
  return run(command, [file, ...args], {
    cwd: EXAMPLES,
    env: {
      ...process.env,
      LEADLOOP_URL: stack.collector.url,
      LEADLOOP_SECRET_KEY: stack.site.secretKey,
    },
  });
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${stack.collector.url}${path}`, {
    headers: { authorization: `Bearer ${stack.site.secretKey}` },
  });
  return (await response.json()) as T;
}

type Lead = { id: string; email: string; status: string; phone: string | null };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A visitor from a Google Ads click who fills the contact form (an MQL by the default rules). */
async function formLead(email: string, phone: string): Promise<Lead> {
  const at = new Date().toISOString();
  const url = `${stack.pageOrigin}/?utm_source=google&utm_medium=cpc&gclid=g-${email}`;
  const base = { timestamp: at, anonymousId: `v-${email}`, sessionId: `s-${email}` };
  const response = await fetch(`${stack.collector.url}/v1/collect`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME },
    body: JSON.stringify({
      writeKey: stack.site.writeKey,
      sentAt: at,
      events: [
        {
          ...base,
          id: crypto.randomUUID(),
          type: 'pageview',
          page: { url, path: '/pricing' },
          attribution: {
            last: { landingPage: url, referrer: 'https://www.google.com/', timestamp: at },
          },
        },
        {
          ...base,
          id: crypto.randomUUID(),
          type: 'form_submit',
          page: { url, path: '/pricing' },
          form: {
            id: 'contact',
            fields: { email, phone },
          },
          // The SDK identifies a form's visitor by the email and phone it found in the form.
          traits: { email, phone },
        },
      ],
    }),
  });
  expect(response.status).toBe(202);
  const { data } = await until(
    () => api<{ data: Lead[] }>(`/v1/leads?email=${encodeURIComponent(email)}`),
    (page) => page.data.length === 1,
  );
  return data[0]!;
}

/** The shell examples need curl: installed with apt when missing and the run is root. */
function ensureCurl(): void {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return;
  } catch {}
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get'))
    throw new Error(
      'The curl examples need curl: install it (Debian/Ubuntu: `sudo apt-get install curl`).',
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'curl'], { stdio: 'inherit', env });
}

beforeAll(async () => {
  ensureCurl();
  stack = await startLocalStack();
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('examples/api in TypeScript', () => {
  it('lists the leads qualified since yesterday', async () => {
    const lead = await formLead('grace@hopper.io', '+14155550111');
    expect(['mql', 'sql']).toContain(lead.status);
    const { stdout } = await script('new-mqls.ts', []);
    expect(stdout).toContain('grace@hopper.io');
    expect(stdout).toMatch(/Paid Search \/ google/);
  });

  it('pushes a won deal once, however often it is sent', async () => {
    await formLead('ada@lovelace.io', '+14155550122');
    const first = await script('crm-stage.ts', [
      'ada@lovelace.io',
      'customer',
      '5000',
      'USD',
      'deal-1',
    ]);
    const again = await script('crm-stage.ts', [
      'ada@lovelace.io',
      'customer',
      '5000',
      'USD',
      'deal-1',
    ]);
    expect(JSON.parse(again.stdout).id).toBe(JSON.parse(first.stdout).id);
    const { data } = await api<{ data: Lead[] }>('/v1/leads?email=ada%40lovelace.io');
    expect(data[0]!.status).toBe('customer');
    const conversions = await api<{ data: unknown[] }>(`/v1/conversions?leadId=${data[0]!.id}`);
    expect(conversions.data).toHaveLength(1);
  });

  it('logs an offline call on the lead with that number', async () => {
    const lead = await formLead('alan@turing.io', '+14155550133');
    await script('offline-call.ts', ['+1 415 555 0133', 'call-981', '245', 'answered']);
    const timeline = await until(
      () =>
        api<{ data: { kind: string; type?: string; name?: string }[] }>(
          `/v1/leads/${lead.id}/timeline`,
        ),
      (body) => body.data.some((entry) => entry.name === 'call_completed'),
    );
    expect(timeline.data.filter((entry) => entry.name === 'call_completed')).toHaveLength(1);
  });

  it('erases a person by email', async () => {
    await formLead('erase@me.io', '+14155550144');
    const { stdout } = await script('erase-person.ts', ['erase@me.io']);
    expect(stdout).toContain('erased 1 lead with erase@me.io');
    const { data } = await api<{ data: Lead[] }>('/v1/leads?email=erase%40me.io');
    expect(data).toHaveLength(0);
  });
});

describe('examples/api with curl', () => {
  it('runs each script against the API', async () => {
    const lead = await formLead('curl@user.io', '+14155550155');
    const sh = (file: string, args: string[]) => script(`curl/${file}`, args, 'sh');

    expect((await sh('new-mqls.sh', [])).stdout).toContain('curl@user.io');
    const stage = JSON.parse(
      (await sh('crm-stage.sh', ['curl@user.io', 'deal-curl', '1200'])).stdout,
    );
    expect(stage).toMatchObject({
      leadId: lead.id,
      stage: 'customer',
      value: 1200,
      currency: 'USD',
    });
    const call = JSON.parse(
      (await sh('offline-call.sh', ['+14155550155', 'call-curl', '60'])).stdout,
    );
    expect(call.accepted).toBe(1);
    expect((await sh('erase-person.sh', [lead.id])).stdout.trim()).toBe('204');
    expect((await sh('erase-person.sh', [lead.id])).stdout.trim()).toBe('204');
  });
});
