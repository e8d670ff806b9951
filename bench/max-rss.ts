/**
 * Preloaded (`--import`) into each process the payout bench starts (finance CLI, downloads):
 * on exit, writes the process's peak RSS in KiB to BENCH_MAX_RSS_FILE.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
