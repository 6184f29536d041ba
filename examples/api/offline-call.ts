// Log a phone call from a call-tracking system: a server-side `call_completed` event on the lead
// with that number, attributed to the lead's marketing touches like anything it did on the site.
// The call's id in the tracking system is the event id: a resend never logs the call twice.
//   LEADLOOP_SECRET_KEY=sk_… node offline-call.ts +14155550123 call-981 245 answered +18005550100
import { leadloop } from './leadloop-api.ts';

const [phone, callId, seconds = '0', outcome = 'answered', trackingNumber] = process.argv.slice(2);
if (!phone || !callId) {
  console.error('usage: node offline-call.ts PHONE CALL_ID [SECONDS] [OUTCOME] [TRACKING_NUMBER]');
  process.exit(2);
}
const result = await leadloop().events([
  {
    id: callId,
    type: 'track',
    name: 'call_completed',
    phone,
    properties: {
      durationSeconds: Number(seconds),
      outcome,
      ...(trackingNumber ? { trackingNumber } : {}),
    },
  },
]);
console.log(JSON.stringify(result));
