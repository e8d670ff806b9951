/**
 * The files the page functions serve as they are, shipped beside their bundles
 * (shared/shipped-file.ts): the name beside the bundle -> the path in the project. Import-free:
 * the manifest reads these maps to deploy the files, the handlers to read them.
 */

/** `npm run openapi` writes the document here. */
export const openApiFiles = { 'openapi.json': 'functions/platform/generated/openapi.json' } as const;

/** Swagger UI, straight from its npm package. */
export const docsRendererFiles = {
  'swagger-ui.js': 'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui.css': 'node_modules/swagger-ui-dist/swagger-ui.css',
} as const;

/** `npm run console:build` writes the console's script (with uPlot) and stylesheet here. */
export const consoleFiles = {
  'console.js': 'functions/platform/generated/console.js',
  'console.css': 'functions/platform/generated/console.css',
} as const;
