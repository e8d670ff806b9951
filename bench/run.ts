/**
 * `npm run bench`: measures DESIGN's performance budgets and reports numbers and
 * ratios. It reports over-budget rows; it never fails a build (timings depend on
 * the machine: compare runs on the same one).
 */
import { coldStart, ratioBudget } from './cold-start.js';
import { handlerOverhead } from './handler-overhead.js';
import { payoutsBench, type PayoutBenchKind, type PayoutBenchRow } from './payouts.js';

const runs = Number(process.env.BENCH_RUNS ?? 9);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 2000);
const f = (n: number): string => n.toFixed(1);

const payouts = async (): Promise<void> => {
  const sizes = (process.env.BENCH_PAYOUT_SIZES ?? '10000,100000').split(',').map(Number);
  const kinds = (process.env.BENCH_PAYOUT_KINDS ?? 'creators,merchants').split(',') as PayoutBenchKind[];
  console.log('Payout run at scale: N payable entries over N/10 payees seeded into DynamoDB Local; the run and both reports (CSV, JSON) through the local runtime and the finance CLI');
  console.log('creators: N commission entries, report = payout report; merchants: N delivered orders, report = merchant statements\n');
  console.log('kind       N          seed s   run s  in-run s  report s  runtime RSS MB  CLI RSS MB  table calls  stream calls  Scans   CSV bytes  JSON bytes  load');
  const rows = await payoutsBench(kinds, sizes, (r) => {
    console.log(
      `${r.kind.padEnd(10)} ${String(r.n).padEnd(9)} ${f(r.seedS).padStart(7)} ${f(r.runS).padStart(7)} ${f(r.inRunS).padStart(9)} ${f(r.reportS).padStart(9)} ${String(r.runtimeRssMb).padStart(15)} ${String(r.cliRssMb).padStart(11)} ${String(r.tableCalls).padStart(12)} ${String(r.streamCalls).padStart(13)} ${String(r.scans).padStart(6)} ${String(r.csvBytes).padStart(11)} ${String(r.jsonBytes).padStart(11)} ${f(r.load).padStart(5)}`,
    );
    console.log(`           calls (DynamoDB Local s): ${Object.entries(r.calls).map(([operation, count]) => `${operation} ${count} (${r.dynamoSeconds[operation] ?? 0})`).join(', ')}`);
  });
  console.log('');
  for (const kind of kinds) {
    const [small, large] = rows.filter((r) => r.kind === kind);
    if (!small || !large) continue;
    const total = (r: PayoutBenchRow) => r.runS + r.reportS;
    console.log(
      `${kind} ${large.n}/${small.n}: time ratio ${(total(large) / total(small)).toFixed(2)} (run ${(large.runS / small.runS).toFixed(2)}; budget <= 12), runtime RSS ratio ${(large.runtimeRssMb / small.runtimeRssMb).toFixed(2)}, CLI RSS ratio ${(large.cliRssMb / small.cliRssMb).toFixed(2)} (budget <= 1.5), Scans ${small.scans + large.scans} (budget 0)`,
    );
  }
};

const main = async (): Promise<void> => {
  if (process.argv[2] === 'payouts') return payouts();
  console.log(`Cold start: median import time of ${runs} interleaved fresh processes per bundle (budget: import <= 1.25x a bare handler with the same SDK clients; health and notFound 1.1x; HTTP bundles <= 600 KB)\n`);
  console.log('floor: the same SDK clients plus the framework libraries the bundle carries (zod, Powertools logger and metrics, middy), each used trivially\n');
  console.log('stock: the bare handler with the AWS SDK as published (its whole default credential chain; before decision 0049 every bundle carried it)\n');
  console.log('function              bundle KB  import ms  bare ms  delta ms  ratio  floor ms  floor ratio  stock ms  import/stock  schemas  budget');
  for (const r of await coldStart(runs)) {
    const over = r.ratio > ratioBudget(r.fn);
    console.log(
      `${r.fn.padEnd(22)}${String(r.kb).padStart(9)}  ${f(r.importMs).padStart(9)}  ${f(r.baselineMs).padStart(7)}  ${f(r.deltaMs).padStart(8)}  ${r.ratio.toFixed(2).padStart(5)}  ${f(r.floorMs).padStart(8)}  ${(r.floorMs / r.baselineMs).toFixed(2).padStart(11)}  ${(r.stockMs === undefined ? '-' : f(r.stockMs)).padStart(8)}  ${(r.stockMs === undefined ? '-' : (r.importMs / r.stockMs).toFixed(2)).padStart(12)}  ${String(r.schemas).padStart(7)}  ${over ? `OVER ${ratioBudget(r.fn)}x` : 'ok'}`,
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
