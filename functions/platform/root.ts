import { plainPublicRoute } from '../shared/plain-route.js';
import { docsPagePath, openApiPath } from './doc-paths.js';

/** Where things are: the body of `GET /`, for clients that do not follow the redirect. */
export const rootPointer = { docs: docsPagePath, openapi: openApiPath, health: '/health', problems: '/problems/{code}' } as const;

/** GET /: a redirect to the API reference (`/docs`); the body says where the rest is. */
export const handler = plainPublicRoute(() => ({
  status: 302,
  body: rootPointer,
  headers: { location: docsPagePath, 'cache-control': 'public, max-age=300' },
}));
