import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';

/** The `$default` route: any path or method no other route serves gets a localized problem+json 404. */
export const handler = httpHandler({ access: publicRoute }, async () => {
  throw new ProblemError('not_found');
});
