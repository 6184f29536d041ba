import { exports } from 'cloudflare:workers';
import { expect, it } from 'vitest';

it('answers /healthz with 200', async () => {
  const response = await exports.default.fetch('http://collector.test/healthz');
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});
