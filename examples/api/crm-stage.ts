// Tell Leadloop that a deal moved in the CRM: the lead's status follows and `conversion.recorded`
// goes to the webhooks. The CRM's deal id as externalId makes a resend answer 200 with the same
// conversion instead of counting the deal twice.
//   LEADLOOP_SECRET_KEY=sk_… node crm-stage.ts ada@acme.com customer 5000 USD deal-4711
import { leadloop } from './leadloop-api.ts';

const [email, stage = 'opportunity', value, currency = 'USD', externalId] = process.argv.slice(2);
if (!email) {
  console.error(
    'usage: node crm-stage.ts EMAIL [opportunity|customer|lost] [VALUE] [CURRENCY] [DEAL_ID]',
  );
  process.exit(2);
}
const conversion = await leadloop().conversion({
  email,
  stage,
  ...(value ? { value: Number(value), currency } : {}),
  ...(externalId ? { externalId } : {}),
});
console.log(JSON.stringify(conversion, null, 2));
