// A site to send events to, made through the collector's admin API like an operator would.
import type { CreateSiteResponse } from '@leadloop/schema';

export async function createSite(url: string, adminToken: string): Promise<CreateSiteResponse> {
  const response = await fetch(`${url}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', allowedOrigins: [] }),
  });
  if (response.status !== 201) {
    throw new Error(`creating a site: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as CreateSiteResponse;
}
