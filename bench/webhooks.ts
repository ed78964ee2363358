/**
 * Measures webhook intake of the real service on loopback: new and duplicate
 * deliveries per second with latency, memory before and after 10 000
 * deliveries, and the SQLite file before and after `Store.prune`. Prints the
 * tables and writes docs/benchmarks.md. Run it with `npm run bench`.
 */
import { statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { runLoad, queuedDelivery, type LoadResult } from './load.js';
import { benchmarkPage } from './page.js';
import { resultTables, type BenchResults, type MemorySample, type StorageSample } from './report.js';
import { startBenchService, webhookSecret, type BenchService } from './service.js';

/** New deliveries per concurrency level; they add up to the 10 000 of the memory sample. */
const intakePlan = [
  { concurrency: 1, count: 1_000 },
  { concurrency: 8, count: 4_000 },
  { concurrency: 32, count: 5_000 },
];
const duplicatePlan = { concurrency: 8, count: 4_000 };
/** Time limit of each load run, in seconds. */
const maxSecondsPerRun = 120;
/** Time limit for the service to process what it accepted, in seconds. */
const maxDrainSeconds = 120;
/** The `runs-on` labels of every delivery. The only pool lacks `linux`, so a delivery is recorded and processed but submits nothing. */
const labels = ['self-hosted', 'linux'];

const gc = (globalThis as { gc?: () => void }).gc;

function sampleMemory(label: string): MemorySample {
  const usage = process.memoryUsage();
  return { label, rss: usage.rss, heapUsed: usage.heapUsed };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function sampleStorage(label: string, storePath: string, inspector: Database.Database): StorageSample {
  const pageSize = inspector.pragma('page_size', { simple: true }) as number;
  const freePages = inspector.pragma('freelist_count', { simple: true }) as number;
  const { rows } = inspector.prepare('SELECT COUNT(*) AS rows FROM deliveries').get() as { rows: number };
  return { label, databaseBytes: fileSize(storePath), walBytes: fileSize(`${storePath}-wal`), freelistBytes: freePages * pageSize, deliveryRows: rows };
}

/** Waits until every accepted delivery is marked processed, or throws after `maxDrainSeconds`. */
async function drain(inspector: Database.Database): Promise<void> {
  const unprocessed = inspector.prepare('SELECT COUNT(*) AS pending FROM deliveries WHERE processed_at IS NULL');
  const deadline = Date.now() + maxDrainSeconds * 1000;
  while ((unprocessed.get() as { pending: number }).pending > 0) {
    if (Date.now() > deadline) {
      throw new Error(`deliveries still unprocessed after ${maxDrainSeconds} s; check that dispatch is not stuck, or lower the request counts`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function warnIfIncomplete(name: string, result: LoadResult): void {
  if (result.ok !== result.requests || result.timedOut) {
    console.warn(`${name}: ${result.ok} of ${result.requests} requests got the expected status; see the table`);
  }
}

/** Sends the new deliveries of `intakePlan`, appending each delivery id to `sentIds`. */
async function runIntake(bench: BenchService, sentIds: string[]): Promise<BenchResults['intake']> {
  const intake: BenchResults['intake'] = [];
  for (const { concurrency, count } of intakePlan) {
    const result = await runLoad({
      url: bench.webhookUrl,
      secret: webhookSecret,
      count,
      concurrency,
      maxSeconds: maxSecondsPerRun,
      expectedStatus: 202,
      next: () => {
        const delivery = queuedDelivery(sentIds.length, labels);
        sentIds.push(delivery.deliveryId);
        return delivery;
      },
    });
    warnIfIncomplete(`new deliveries at concurrency ${concurrency}`, result);
    intake.push({ concurrency, result });
  }
  return intake;
}

async function measure(bench: BenchService, inspector: Database.Database): Promise<BenchResults> {
  const memory: MemorySample[] = [];
  const storage: StorageSample[] = [];
  const sentIds: string[] = [];
  gc?.();
  memory.push(sampleMemory('after start'));
  storage.push(sampleStorage('after start', bench.storePath, inspector));

  const intake = await runIntake(bench, sentIds);

  await drain(inspector);
  memory.push(sampleMemory(`after ${sentIds.length} deliveries`));
  storage.push(sampleStorage(`after ${sentIds.length} deliveries`, bench.storePath, inspector));
  if (gc) {
    gc();
    memory.push(sampleMemory('after a forced GC'));
  }

  const duplicates = await runLoad({
    url: bench.webhookUrl,
    secret: webhookSecret,
    ...duplicatePlan,
    maxSeconds: maxSecondsPerRun,
    expectedStatus: 200,
    // A duplicate is found by its delivery id, so a fresh body with an old id takes the same path.
    next: (index) => ({ ...queuedDelivery(index, labels), deliveryId: sentIds[index % sentIds.length]! }),
  });
  warnIfIncomplete('duplicate deliveries', duplicates);

  // The prune runs on the event loop, so its duration is how long webhook replies wait behind it.
  const pruneStarted = performance.now();
  const removed = bench.service.store.prune(new Date(Date.now() + 1000));
  const pruneMs = performance.now() - pruneStarted;
  storage.push(sampleStorage(`after prune (${removed.deliveries} rows deleted in ${pruneMs.toFixed(0)} ms)`, bench.storePath, inspector));
  return { intake, duplicates: { ...duplicatePlan, result: duplicates }, memory, storage, gcExposed: gc !== undefined };
}

async function main(): Promise<void> {
  const bench = await startBenchService();
  const inspector = new Database(bench.storePath, { readonly: true });
  let results: BenchResults;
  try {
    results = await measure(bench, inspector);
  } finally {
    inspector.close();
    await bench.stop();
  }

  const tables = resultTables(results);
  console.log(tables);
  const pagePath = new URL('../docs/benchmarks.md', import.meta.url);
  writeFileSync(pagePath, benchmarkPage(results, tables));
  console.log(`\nwrote ${pagePath.pathname}`);
}

await main();
