/**
 * Stack traces in the original sources, mapped through the bundle's source map when a stack
 * is first formatted, not when the bundle loads (decision 0051). Node's --enable-source-maps
 * reads and parses the whole map and measures every line of the bundle at load: 15-30 ms of
 * every cold start, for the rare invocation that logs a stack. Here a bundle pays one file
 * check at load; the map is read once per process, on the first stack that reaches a log.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

type Frame = NodeJS.CallSite;
type Origin = { name?: string; fileName?: string; lineNumber?: number; columnNumber?: number };

/** The map's sources are relative to where the bundle was built: `../../functions/x.ts` -> `functions/x.ts`. */
const sourcePath = (fileName: string): string => fileName.replace(/^(?:\.\.\/)+/, '');

/** V8's first line of a stack: `Name: message`. */
const headerOf = (error: unknown): string => {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
};

/**
 * The original name of a frame's function: the name its caller called it by, when the caller is
 * in the bundle too, or else the name mapped at the function's own start. (Node's order is the
 * reverse, and a minified arrow function, this codebase's usual function, starts at its first
 * parameter: Node names the frame after that parameter.)
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
    const map = frame.getFileName() === bundleUrl && line !== null && column !== null ? sourceMap() : null;
    const origin = map && line !== null && column !== null ? (map.findOrigin(line, column) as Origin) : {};
    if (!map || origin.fileName === undefined) return frame.toString();
    const name = nameOf(map, frame, caller) ?? frame.getFunctionName() ?? '<anonymous>';
    const prefix = `${frame.isAsync() ? 'async ' : ''}${frame.isConstructor() ? 'new ' : ''}`;
    return `${prefix}${name} (${sourcePath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber})`;
  };
  Error.prepareStackTrace = (error, frames) =>
    [headerOf(error), ...frames.map((frame, index) => `    at ${frameText(frame, frames[index + 1])}`)].join('\n');
  return true;
};
