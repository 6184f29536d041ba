// Erase a person on request (GDPR art. 17): every lead with that email goes, with its events,
// sessions and conversions, and the email is suppressed so the tracker cannot bring it back.
// Erasing twice is fine: the API answers 204 either way.
//   LEADLOOP_SECRET_KEY=sk_… node erase-person.ts ada@acme.com
import { leadloop } from './leadloop-api.ts';

const [email] = process.argv.slice(2);
if (!email) {
  console.error('usage: node erase-person.ts EMAIL');
  process.exit(2);
}
const api = leadloop();
const ids: string[] = [];
for await (const lead of api.leads({ email })) ids.push(lead.id);
for (const id of ids) await api.eraseLead(id);
console.log(`erased ${ids.length} lead${ids.length === 1 ? '' : 's'} with ${email}`);
