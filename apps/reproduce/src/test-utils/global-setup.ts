import { ensureAppBuilt } from './built-app.js';

/** Vitest global setup: compile the app once before the child-process tests run it. */
export function setup(): void {
  ensureAppBuilt();
}
