import { sharedConfig } from '../../vitest.shared.js';

// Unit tests of the page's pure parts (data, custom H, configuration, models) under Node; the
// page itself is tested in Chromium by e2e/playground.e2e.mjs.
export default sharedConfig;
