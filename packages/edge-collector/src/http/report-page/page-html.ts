import {
  ATTRIBUTION_CONVERSIONS,
  ATTRIBUTION_GROUPS,
  ATTRIBUTION_MODELS,
  type AttributionConversion,
  type AttributionGroup,
  type AttributionModel,
} from '@leadloop/schema';
import { escapeHtml } from '../openapi/schema-html.ts';
import { REPORT_CSS } from './page-css.ts';

// The report page's markup: the same for every site and request, since the data is fetched by
// report.js with the key the reader types. Every URL in it is relative, so it works under a base
// path. The key field has no name and the form no action: without the script, nothing is sent.

export const MODEL_LABELS: Record<AttributionModel, string> = {
  first_touch: 'First touch',
  last_touch: 'Last touch',
  last_non_direct: 'Last non-direct',
  linear: 'Linear',
  position_based: 'Position-based',
  w_shaped: 'W-shaped',
  full_path: 'Full path',
  j_shaped: 'J-shaped',
  inverse_j: 'Inverse J',
  time_decay: 'Time decay',
  data_driven: 'Data-driven',
};

export const GROUP_LABELS: Record<AttributionGroup, string> = {
  channel: 'Channel',
  source: 'Source',
  medium: 'Medium',
  campaign: 'Campaign',
  term: 'Term',
  content: 'Content',
  landing_page: 'Landing page',
  referrer_domain: 'Referrer domain',
  country: 'Country',
  region: 'Region',
  city: 'City',
  device: 'Device',
};

const CONVERSION_LABELS: Record<AttributionConversion, string> = {
  lead: 'Leads',
  opportunity: 'Opportunities',
  customer: 'Customers',
};

function options<T extends string>(values: readonly T[], labels: Record<T, string>, chosen: T) {
  return values
    .map(
      (value) =>
        `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(labels[value])}</option>`,
    )
    .join('');
}

/** The page. Its one `<style>` is exactly `REPORT_CSS`, which the route's policy allows by hash. */
export function reportPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Leadloop report</title>
<style>${REPORT_CSS}</style>
<script src="report.js" defer></script>
</head>
<body>
<header class="topbar">
<a class="brand" href="report">Leadloop <span>Report</span></a>
<span class="spacer"></span>
<a class="docs" href="docs">API reference</a>
<button type="button" class="secondary" id="sign-out" hidden>Sign out</button>
</header>
<main>
<section class="card login" id="login" aria-labelledby="login-title">
<h1 id="login-title">Sign in</h1>
<p class="lede">Paste one of the site’s secret keys (<code>sk_…</code>). It stays in this tab only and is sent to the API as an <code>Authorization</code> header, never in a URL.</p>
<form id="login-form" method="post" autocomplete="off" novalidate>
<div><label for="secret-key">Secret key</label>
<input id="secret-key" type="password" autocomplete="off" spellcheck="false" placeholder="sk_…" required></div>
<button type="submit" id="sign-in">Open the report</button>
<p class="error" id="login-error" role="alert"></p>
</form>
<noscript><p class="error">The report needs JavaScript to fetch its data.</p></noscript>
</section>

<div id="report" hidden>
<h1>Where leads, customers and revenue come from</h1>
<p class="meta" id="range"></p>
<form class="card controls" id="controls" aria-label="Report settings">
<div><label for="model">Attribution model</label><select id="model">${options(ATTRIBUTION_MODELS, MODEL_LABELS, 'last_non_direct')}</select></div>
<div><label for="group-by">Group by</label><select id="group-by">${options(ATTRIBUTION_GROUPS, GROUP_LABELS, 'channel')}</select></div>
<div><label for="conversion">Conversion</label><select id="conversion">${options(ATTRIBUTION_CONVERSIONS, CONVERSION_LABELS, 'lead')}</select></div>
<div><label for="from">From</label><input id="from" type="date"></div>
<div><label for="to">To</label><input id="to" type="date"></div>
<div class="actions"><button type="button" id="download" class="secondary">Download CSV</button></div>
</form>
<p class="status" id="status" role="status" aria-live="polite"></p>

<section class="card" id="attribution" aria-labelledby="attribution-title">
<h2 id="attribution-title">Attribution</h2>
<p class="hint" id="attribution-hint"></p>
<div id="attribution-body"></div>
</section>

<details class="card" id="compare">
<summary>Compare models</summary>
<p class="hint">Conversions per group under every model, side by side: where the models agree, the credit is solid.</p>
<div id="compare-body"></div>
</details>

<div class="grid2">
<section class="card" id="funnel" aria-labelledby="funnel-title">
<h2 id="funnel-title">Funnel</h2>
<div id="funnel-body"></div>
</section>
<section class="card" id="speed" aria-labelledby="speed-title">
<h2 id="speed-title">Speed to lead</h2>
<div id="speed-body"></div>
</section>
</div>

<section class="card" id="inquiries" aria-labelledby="inquiries-title">
<h2 id="inquiries-title">Inquiries by hour of week</h2>
<p class="hint">Forms and calls, in the site’s time zone.</p>
<div id="inquiries-body"></div>
</section>

<section class="card" id="locations" aria-labelledby="locations-title">
<h2 id="locations-title">Locations</h2>
<div class="inline-field"><label for="location-level">By</label><select id="location-level"><option value="country" selected>Country</option><option value="region">Region</option><option value="city">City</option></select></div>
<div id="locations-body"></div>
</section>
</div>
</main>
</body>
</html>`;
}
