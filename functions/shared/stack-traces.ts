/**
 * Stack traces in the original sources, mapped through the bundle's source map when a stack
 * is first formatted, not when the bundle loads (decision 0051). Node's --enable-source-maps
 * reads and parses the whole map and measures every line of the bundle at load: 15-30 ms of
 * every cold start. Here a bundle pays one file check at load; the map is read once per
 * process, the first time a stack with a frame in the bundle is formatted (an error logged,
 * or anything else that reads `error.stack`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceOrigin } from 'node:module';
import { fileURLToPath } from 'node:url';

type Frame = NodeJS.CallSite;
/** What `findOrigin` answers: the origin, or `{}` where the map has none. */
type Origin = Partial<SourceOrigin>;

/**
 * The map's sources are relative to where the bundle was built: `../../functions/x.ts`, or
 * `../../work/app/node_modules/p/x.js` from a directory outside the project: from `functions/`,
 * `events/` or `node_modules/` on.
 */
const sourcePath = (fileName: string): string => {
  const from = fileName.search(/(?:^|\/)(?:functions|events|node_modules)\//);
  return (from > 0 ? fileName.slice(from + 1) : fileName).replace(/^(?:\.\.\/)+/, '');
};

/** The first line of a stack, as V8 writes it for anything thrown: `Name: message`. */
const headerOf = (error: unknown): string => {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
};

/**
 * A frame's function name, best effort (the file, line and column are exact): the name its
 * caller called it by, when the caller is in the bundle and called it by name, or else the name
 * mapped at the function's own start. Node reads only the second, and a minified arrow function,
 * this codebase's usual function, starts at its first parameter: Node names such a frame after
 * that parameter. For a method call, an `await` or a callback the name can still be a
 * parameter's or the minified one.
 */
const nameOf = (map: SourceMap, frame: Frame, caller: Frame | undefined): string | undefined => {
  const at = (line: number | null | undefined, column: number | null | undefined): string | undefined =>
    line != null && column != null ? (map.findOrigin(line, column) as Origin).name : undefined;
  const called = caller?.getFileName() === frame.getFileName() ? at(caller?.getLineNumber(), caller?.getColumnNumber()) : undefined;
  return called ?? at(frame.getEnclosingLineNumber(), frame.getEnclosingColumnNumber());
};

/**
 * Formats every stack with the frames of `bundleUrl` mapped to their sources, when the bundle
 * has a map beside it (`index.mjs.map`); run from source there is none and nothing changes.
 * Returns whether it installed.
 */
export const installSourceMappedStacks = (bundleUrl: string): boolean => {
  const mapFile = `${fileURLToPath(bundleUrl)}.map`;
  if (!existsSync(mapFile)) return false;
  let loaded: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (loaded === undefined) {
      try {
        loaded = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
      } catch {
        loaded = null; // an unreadable map leaves the bundle's own positions
      }
    }
    return loaded;
  };
  const frameText = (frame: Frame, caller: Frame | undefined): string => {
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (frame.getFileName() !== bundleUrl || line === null || column === null) return frame.toString();
    const map = sourceMap();
    const origin: Origin = map ? map.findOrigin(line, column) : {};
    if (!map || origin.fileName === undefined) return frame.toString();
    const name = nameOf(map, frame, caller) ?? frame.getFunctionName() ?? '<anonymous>';
    const prefix = `${frame.isAsync() ? 'async ' : ''}${frame.isConstructor() ? 'new ' : ''}`;
    return `${prefix}${name} (${sourcePath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber})`;
  };
  // Node's own formatter (a function in Node 24): its first line keeps a Node error's
  // `[ERR_CODE]`, and it formats whatever the mapping cannot.
  const previous = Error.prepareStackTrace;
  const unmapped = (error: Error, frames: Frame[]): string => {
    try {
      if (previous) return String(previous(error, frames));
    } catch {
      // fall through to V8's own layout
    }
    return [headerOf(error), ...frames.map((frame) => `    at ${frame.toString()}`)].join('\n');
  };
  Error.prepareStackTrace = (error, frames) => {
    try {
      return [unmapped(error, []), ...frames.map((frame, index) => `    at ${frameText(frame, frames[index + 1])}`)].join('\n');
    } catch {
      // A stack that cannot be mapped is still a stack: reading `error.stack` must never throw.
      return unmapped(error, frames);
    }
  };
  return true;
};
