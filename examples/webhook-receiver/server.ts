import { createServer } from 'node:http';
import { createReceiver, eventLine, isWebhookSecret } from './receiver.ts';

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
