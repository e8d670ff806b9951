/**
 * The finance console page (GET /console): static HTML that loads the console's script and
 * stylesheet from GET /console/{asset}, under a Content-Security-Policy that allows nothing
 * but this origin (no inline script or style, no third-party request). Pure data; the
 * handlers are console.ts and console-assets.ts, the bundle comes from console/src (0036).
 */

export const consolePagePath = '/console';

/** The files GET /console/{asset} serves, with their content types (the files: page-files.ts). */
export const consoleAssets = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;

/**
 * The console builds its DOM with createElement/textContent and uPlot styles its canvas
 * through the CSSOM, so neither inline script nor inline style is needed. Downloads are
 * blob: object URLs the page creates itself (a navigation, not a fetch). API calls are
 * same-origin (`connect-src 'self'`).
 */
export const consoleCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const consoleHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Finance console</title>
<link rel="stylesheet" href="${consolePagePath}/console.css">
<script src="${consolePagePath}/console.js" defer></script>
</head>
<body>
<header id="header"><h1>Finance console</h1></header>
<main id="main"><noscript>This console needs JavaScript. The finance API is documented at <a href="/docs">/docs</a>.</noscript></main>
</body>
</html>
`;
