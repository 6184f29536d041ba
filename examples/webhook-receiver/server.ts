import { createServer } from 'node:http';
import { createReceiver, isWebhookSecret, type LeadloopEvent } from './receiver.ts';

// WEBHOOK_SECRET=whsec_… PORT=4000 node server.ts: prints one line per Leadloop event received.

const secret = process.env.WEBHOOK_SECRET ?? '';
const port = Number(process.env.PORT ?? 4000);

if (!isWebhookSecret(secret)) {
  console.error(
    secret
      ? 'WEBHOOK_SECRET is not a webhook secret: expected whsec_ followed by base64, as POST /v1/webhooks returned it.'
      : 'WEBHOOK_SECRET is missing: set it to the whsec_… secret that POST /v1/webhooks returned.',
  );
  process.exit(1);
}
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}.`);
  process.exit(1);
}

/** `2026-11-23T10:00:00.000Z lead.created lead=lead_1 email=ada@acme.com score=12` */
function eventLine({ type, timestamp, data }: LeadloopEvent): string {
  // `lead.*` events carry the lead; the others name it by `leadId` (null for anonymous visitors).
  const lead = isRecord(data.lead) ? data.lead : data;
  // `lead.score_changed` names the new score `current`; `lead.status_changed` uses it for a status.
  const newScore = typeof data.current === 'number' ? data.current : undefined;
  const fields = {
    lead: 'leadId' in data ? data.leadId : lead.id,
    email: lead.email,
    score: lead.score ?? newScore,
  };
  const shown = Object.entries(fields).filter(([, value]) => value !== undefined && value !== null);
  return [timestamp, type, ...shown.map(([name, value]) => `${name}=${value}`)].join(' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const server = createServer(
  createReceiver({ secret, onEvent: (event) => console.log(eventLine(event)) }),
);
server.on('error', (error) => {
  console.error(`Cannot listen on port ${port}: ${error.message}`);
  process.exit(1);
});
server.listen(port, () => {
  console.log(`Receiving Leadloop webhooks on http://localhost:${port}/`);
});
