import { createClient } from './client.ts';
import type { Api, ConsentState, Options } from './options.ts';

export type { Api, ConsentState, Options };

let client: Api | undefined;
const early: [keyof Api, unknown[]][] = [];

function call<M extends keyof Api>(method: M) {
  return (...args: Parameters<Api[M]>): void => {
    if (client) (client[method] as (...a: unknown[]) => void)(...args);
    else early.push([method, args]);
  };
}

/**
 * Starts Leadloop on this page (once; later calls return the same client) and records the first
 * pageview. Calls made before `init` are replayed in order.
 * @example
 * import { init, identify, track } from '@leadloop/sdk';
 * init({ writeKey: 'pk_…', apiHost: 'https://collect.example.com' });
 * identify({ email: 'ada@example.com' });
 */
export function init(options: Options): Api {
  if (!client) {
    client = createClient(options);
    for (const [method, args] of early.splice(0))
      (client[method] as (...a: unknown[]) => void)(...args);
  }
  return client;
}

export const page = call('page');
export const track = call('track');
export const identify = call('identify');
export const reset = call('reset');
export const consent = call('consent');
