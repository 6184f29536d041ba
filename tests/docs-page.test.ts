// The API reference at /docs as a reader sees it: the collector on local workerd (wrangler dev,
// with a base path), the page in headless Chromium with no network beyond the collector. The page
// must render its title and operations, load nothing but itself, link the document so that it is
// found under the base path too, and look like a page: the screenshot is checked and kept.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type LocalCollector,
  startLocalCollector,
} from '../packages/edge-collector/local/dev-server.ts';
import { launchChromium } from './chromium.ts';

const VIEWPORT = { width: 1280, height: 900 };

let collector: LocalCollector;
let browser: Browser;
let persistTo: string;

beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), 'leadloop-docs-'));
  [collector, browser] = await Promise.all([
    freePort().then((port) =>
      startLocalCollector({
        port,
        persistTo,
        adminToken: 'docs-admin-token',
        vars: { LEADLOOP_BASE_PATH: '/ll' },
      }),
    ),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  if (persistTo) await rm(persistTo, { recursive: true, force: true });
});

/** Opens a page and records every request it makes. */
async function open(path: string): Promise<{ page: Page; requested: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  const response = await page.goto(`${collector.url}${path}`);
  expect(response?.status()).toBe(200);
  return { page, requested };
}

type PixelStats = { width: number; height: number; colours: number; background: number };

/** Decodes the PNG in a blank page's canvas: its size, distinct colours, share of the top colour. */
async function pixelStats(png: Buffer): Promise<PixelStats> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async (dataUrl) => {
        const image = new Image();
        image.src = dataUrl;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.naturalWidth;
        canvas.height = image.naturalHeight;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        const counts = new Map<number, number>();
        for (let at = 0; at < data.length; at += 4) {
          const colour = (data[at]! << 16) | (data[at + 1]! << 8) | data[at + 2]!;
          counts.set(colour, (counts.get(colour) ?? 0) + 1);
        }
        const top = Math.max(...counts.values());
        return {
          width: canvas.width,
          height: canvas.height,
          colours: counts.size,
          background: top / (data.length / 4),
        };
      },
      `data:image/png;base64,${png.toString('base64')}`,
    );
  } finally {
    await page.close();
  }
}

describe('/docs in Chromium', () => {
  it('renders the reference: title, sections and operations, loading nothing else', async () => {
    const { page, requested } = await open('/docs');
    expect(await page.title()).toBe('Leadloop API reference');
    await expect(
      page.getByRole('heading', { level: 1, name: 'Leadloop API reference' }).isVisible(),
    ).resolves.toBe(true);
    const nav = page.getByRole('navigation', { name: 'Operations' });
    expect(await nav.getByRole('link', { name: /List leads/ }).isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: /Subscribe an endpoint/ }).isVisible()).toBe(true);

    // Following an operation in the sidebar brings it into view.
    await nav.getByRole('link', { name: /Retrieve a lead/ }).click();
    const operation = page.locator('#op-getLead');
    await operation.waitFor();
    expect(await operation.getByRole('heading', { name: 'Retrieve a lead' }).isVisible()).toBe(
      true,
    );
    expect(await operation.getByText('/v1/leads/{id}', { exact: true }).isVisible()).toBe(true);
    expect(await operation.locator('.status').allInnerTexts()).toEqual(
      expect.arrayContaining(['200', '401', '404']),
    );

    // Self-contained: no script, style sheet, font or image was fetched.
    expect(requested).toEqual([`${collector.url}/docs`]);
    await page.close();
  });

  it('reaches the outcome routes from the sidebar: conversions, costs, server events, keys', async () => {
    const { page } = await open('/docs');
    const nav = page.getByRole('navigation', { name: 'Operations' });
    for (const name of [
      'Send daily spend',
      'Identify a person',
      'A lead’s timeline',
      'Create a key',
    ])
      expect(await nav.getByRole('link', { name }).isVisible(), name).toBe(true);

    await nav.getByRole('link', { name: 'Record a conversion' }).click();
    const operation = page.locator('#op-createConversion');
    await operation.waitFor();
    expect(await operation.getByText('/v1/conversions', { exact: true }).isVisible()).toBe(true);
    // A retry is safe: the header that makes it so, and the answers it can meet.
    expect(await operation.getByText('idempotency-key', { exact: true }).isVisible()).toBe(true);
    expect(await operation.locator('.status').allInnerTexts()).toEqual(
      expect.arrayContaining(['200', '201', '409', '429']),
    );
    await page.close();
  });

  it('looks like a page: the screenshot is a sane, non-blank image', async () => {
    const { page } = await open('/docs');
    const png = await page.screenshot({ type: 'png' });
    await page.close();
    const directory = await mkdtemp(join(tmpdir(), 'leadloop-docs-screenshot-'));
    const file = join(directory, 'docs.png');
    await writeFile(file, png);
    console.log(`/docs screenshot: ${file}`);

    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    expect(png.length).toBeLessThan(5_000_000);
    const stats = await pixelStats(png);
    expect({ width: stats.width, height: stats.height }).toEqual(VIEWPORT);
    // Text, code and coloured badges on a light background: many colours, no single one everywhere.
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.background).toBeLessThan(0.9);
  });

  it('works under the base path: the document link resolves there', async () => {
    const { page, requested } = await open('/ll/docs');
    expect(await page.title()).toBe('Leadloop API reference');
    expect(await page.getByText(`${collector.url}/ll`, { exact: true }).isVisible()).toBe(true);
    const link = await page
      .getByRole('link', { name: 'openapi.json' })
      .evaluate((a) => (a as HTMLAnchorElement).href);
    expect(link).toBe(`${collector.url}/ll/v1/openapi.json`);
    const document = (await (await fetch(link)).json()) as { openapi: string; servers: unknown };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.servers).toEqual([{ url: '/ll' }]);
    expect(requested).toEqual([`${collector.url}/ll/docs`]);
    await page.close();
  });
});
