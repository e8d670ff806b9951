/**
 * `node --import tsx bench/download.ts URL FILE`: streams one authenticated GET to FILE
 * (BENCH_API_KEY as the bearer key). The payout bench downloads the run's merchant
 * statements with it: the finance CLI has no command for them.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';

const [url = '', file = ''] = process.argv.slice(2);
const response = await fetch(url, { headers: { authorization: `Bearer ${process.env.BENCH_API_KEY ?? ''}` } });
if (response.status !== 200 || !response.body) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
await pipeline(Readable.fromWeb(response.body as ReadableStream), createWriteStream(file));
