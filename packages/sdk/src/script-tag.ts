// Entry of the script-tag build: reads its own <script> tag and starts tracking.
import { init } from './index.ts';

try {
  const script = document.currentScript as HTMLScriptElement | null;
  const writeKey = script?.dataset.key;
  if (script && writeKey) {
    init({ writeKey, apiHost: script.dataset.api || new URL(script.src).origin });
  }
} catch {
  // Never break the host page.
}
