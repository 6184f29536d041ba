// Leads that became marketing-qualified (or better) since yesterday, for a morning sales list:
//   LEADLOOP_SECRET_KEY=sk_… node new-mqls.ts
import { leadloop } from './leadloop-api.ts';

const api = leadloop();
const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
let count = 0;
for await (const lead of api.leads({ status: 'mql,sql', updatedSince: since })) {
  count++;
  const source = lead.firstTouch
    ? `${lead.firstTouch.channel} / ${lead.firstTouch.source}`
    : 'unknown';
  console.log(
    `${lead.status.padEnd(4)} ${String(lead.score).padStart(4)}  ${lead.email ?? lead.phone ?? lead.id}  (${source})`,
  );
}
console.log(`${count} qualified lead${count === 1 ? '' : 's'} updated since ${since}`);
