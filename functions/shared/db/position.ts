/** Store positions of a paged Query (no secrets here: cursors are signed in ../pagination.ts). */

/**
 * A Query's `LastEvaluatedKey` as a store position, and back: base64url of its JSON, the form
 * ElectroDB's cursors take, so lists read with the document client and lists read through
 * ElectroDB continue each other's cursors.
 */
export const positionOf = (key: Record<string, unknown> | undefined): string | null => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null);
export const startKeyOf = (position: string | null): Record<string, unknown> | undefined =>
  position ? (JSON.parse(Buffer.from(position, 'base64url').toString('utf8')) as Record<string, unknown>) : undefined;
