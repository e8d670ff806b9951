import { plainPublicRoute } from '../shared/plain-route.js';
import { consoleCsp, consoleHtml } from './console-page.js';

/** GET /console: the finance console page. Static HTML; its script and stylesheet come from GET /console/{asset}. */
export const handler = plainPublicRoute(() => ({
  status: 200,
  text: consoleHtml,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': consoleCsp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  },
}));
