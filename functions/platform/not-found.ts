import { plainPublicRoute } from '../shared/plain-route.js';

/** The `$default` route: any path or method no other route serves gets a localized problem+json 404. */
export const handler = plainPublicRoute(() => ({ problem: 'not_found' }));
