import { scoringRulesSchema, toFieldErrors } from '@leadloop/schema';
import { Hono } from 'hono';
import type { AppDeps } from '../../app.ts';
import { serviceUnavailable, validationFailed } from '../problem.ts';
import { readJsonBody } from '../read-json.ts';
import { requireSecretKey, type SecretKeyEnv } from '../secret-key-auth.ts';
import { limitBody } from '../validate.ts';

const RETRY_AFTER_SECONDS = 5;
/** Far above any real rule set; without a limit a streamed body would be read whole. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * `GET` / `PUT /v1/scoring`: the site's scoring rules. A PUT replaces them whole (omitted fields
 * take their defaults); a bad rule set is refused with its field paths and the old one stays in
 * force. Every lead is then rescored in the background, a page at a time.
 */
export function scoringRoutes(deps: AppDeps): Hono<SecretKeyEnv> {
  const { store, events, now = Date.now } = deps;
  return new Hono<SecretKeyEnv>()
    .use(requireSecretKey(deps))
    .get('/', async (c) => c.json(await store.leads.getScoringRules(c.get('site').id)))
    .put('/', limitBody(MAX_BODY_BYTES), async (c) => {
      const parsed = scoringRulesSchema.safeParse(await readJsonBody(c.req.raw));
      if (!parsed.success)
        throw validationFailed(toFieldErrors(parsed.error), 'The scoring rules are invalid.');
      const site = c.get('site');
      await store.leads.putScoringRules(site.id, parsed.data, now());
      try {
        await events([{ rescore: true, siteId: site.id, after: null }]);
      } catch {
        // The rules are stored; a retried PUT stores them again and queues the rescore.
        throw serviceUnavailable(
          'Could not queue the rescore; send the rules again.',
          RETRY_AFTER_SECONDS,
        );
      }
      return c.json(parsed.data);
    });
}
