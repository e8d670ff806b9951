/**
 * `npm run bench`: measures DESIGN's performance budgets and reports numbers and
 * ratios. It reports over-budget rows; it never fails a build (timings depend on
 * the machine: compare runs on the same one).
 */
import { coldStart, ratioBudget } from './cold-start.js';
import { handlerOverhead } from './handler-overhead.js';
import { payoutsBench } from './payouts.js';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 2000);
const f = (n: number): string => n.toFixed(1);

const payouts = async (): Promise<void> => {
  const sizes = (process.env.BENCH_PAYOUT_SIZES ?? '10000,100000').split(',').map(Number);
  console.log('Payout run: N payable commissions over N/10 creators, run + both reports through the local runtime and the finance CLI\n');
  console.log('N          run s  peak RSS MB  DynamoDB calls  Scans  CSV bytes   JSON bytes');
  const rows = await payoutsBench(sizes);
  for (const r of rows) {
    console.log(`${String(r.n).padEnd(9)}${(r.runMs / 1000).toFixed(1).padStart(7)}  ${String(r.maxRssMb).padStart(11)}  ${String(r.calls).padStart(14)}  ${String(r.scans).padStart(5)}  ${String(r.csvBytes).padStart(10)}  ${String(r.jsonBytes).padStart(11)}`);
  }
  const [small, large] = rows;
  if (small && large) console.log(`\ntime ratio ${(large.runMs / small.runMs).toFixed(2)} (budget <= 12), RSS ratio ${(large.maxRssMb / small.maxRssMb).toFixed(2)} (budget <= 1.5)`);
};

const main = async (): Promise<void> => {
  if (process.argv[2] === 'payouts') return payouts();
  console.log(`Cold start: median import time of ${runs} interleaved fresh processes per bundle (budget: import <= 1.25x a bare handler with the same SDK clients; health and notFound 1.1x; HTTP bundles <= 600 KB)\n`);
  console.log('function              bundle KB  import ms  bare ms  delta ms  ratio  budget');
  for (const r of await coldStart(runs)) {
    const over = r.ratio > ratioBudget(r.fn);
    console.log(
      `${r.fn.padEnd(22)}${String(r.kb).padStart(9)}  ${f(r.importMs).padStart(9)}  ${f(r.baselineMs).padStart(7)}  ${f(r.deltaMs).padStart(8)}  ${r.ratio.toFixed(2).padStart(5)}  ${over ? `OVER ${ratioBudget(r.fn)}x` : 'ok'}`,
    );
  }
  console.log(`\nHandler overhead: ${iterations} requests each, DynamoDB mocked (budget: p50 <= 2 ms, p99 <= 10 ms)\n`);
  console.log('route                          p50 ms  p99 ms  DynamoDB calls/request  budget');
  for (const r of await handlerOverhead(iterations)) {
    const ok = r.p50Ms <= 2 && r.p99Ms <= 10;
    console.log(`${r.route.padEnd(30)} ${r.p50Ms.toFixed(3).padStart(6)}  ${r.p99Ms.toFixed(3).padStart(6)}  ${String(r.dynamoCallsPerRequest).padStart(22)}  ${ok ? 'ok' : 'OVER'}`);
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
