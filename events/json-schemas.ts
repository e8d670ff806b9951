import * as z from 'zod/mini';
import { eventCatalogue, type DetailType } from './catalogue.js';

/** File name and JSON Schema (draft 2020-12) of each catalogue entry. */
export const jsonSchemaFiles = (): Array<{ file: string; schema: unknown }> =>
  (Object.entries(eventCatalogue) as Array<[DetailType, (typeof eventCatalogue)[DetailType]]>).map(
    ([detailType, entry]) => ({
      file: `${detailType}.v${entry.version}.json`,
      schema: {
        ...z.toJSONSchema(entry.schema, { target: 'draft-2020-12' }),
        $id: `urn:xborder:events:${entry.source}:${detailType}:v${entry.version}`,
        title: detailType,
        description: entry.description,
        'x-source': entry.source,
      },
    }),
  );

export const serialize = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;
