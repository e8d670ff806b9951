/** Where the API reference lives (import-free: the root pointer and the docs page share them). */
export const docsPagePath = '/docs';
export const openApiPath = '/openapi.json';
