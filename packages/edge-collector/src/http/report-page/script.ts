import { API_SCRIPT } from './script-api.ts';
import { ATTRIBUTION_SCRIPT } from './script-attribution.ts';
import { DOM_SCRIPT } from './script-dom.ts';
import { MAIN_SCRIPT } from './script-main.ts';
import { REPORTS_SCRIPT } from './script-reports.ts';

/**
 * `/report.js`: the page's one script, plain JS kept in strings (no build step), its parts in
 * the order they depend on each other, inside one strict-mode function so nothing leaks to
 * `window`. It sets text with textContent and attributes with setAttribute only: no data is
 * ever parsed as markup.
 */
export const REPORT_SCRIPT = `'use strict';
(() => {
${DOM_SCRIPT}
${API_SCRIPT}
${ATTRIBUTION_SCRIPT}
${REPORTS_SCRIPT}
${MAIN_SCRIPT}
})();
`;
