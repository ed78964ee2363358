/** Formats the benchmark results as markdown and describes the machine they come from. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { LoadResult } from './load.js';

/** Resident set and V8 heap of this process, in bytes. */
export interface MemorySample {
  label: string;
  rss: number;
  heapUsed: number;
}

/** Sizes of the SQLite files at one point, in bytes. */
export interface StorageSample {
  label: string;
  databaseBytes: number;
  walBytes: number;
  freelistBytes: number;
  deliveryRows: number;
}

/** Everything one run measured. */
export interface BenchResults {
  intake: { concurrency: number; result: LoadResult }[];
  duplicates: { concurrency: number; result: LoadResult };
  memory: MemorySample[];
  storage: StorageSample[];
  gcExposed: boolean;
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** Describes the CPU, core count, memory, Node.js version and load average, from /proc/cpuinfo and `os`. */
export function machineDescription(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // /proc exists only on Linux; `os.cpus()` has the model elsewhere.
  }
  const load = loadavg()[0]!.toFixed(2);
  return `${cpus().length} cores (${model}), ${mib(totalmem())} MiB RAM, Node.js ${process.version}, ${process.platform}, 1-minute load average ${load} at the end of the run`;
}

function loadRow(name: string, concurrency: number, result: LoadResult): string {
  const failures = Object.entries(result.unexpected).map(([status, count]) => `${count}× ${status}`);
  const notes = [...failures, ...(result.timedOut ? ['stopped at the time limit'] : [])].join(', ') || '—';
  return `| ${name} | ${concurrency} | ${result.requests} | ${result.perSecond.toFixed(0)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${notes} |`;
}

/** Formats the three tables: throughput and latency, memory, and SQLite file sizes. */
export function resultTables(results: BenchResults): string {
  const throughput = [
    '| Run | Concurrency | Requests | Per second | p50 (ms) | p99 (ms) | Unexpected |',
    '|---|---|---|---|---|---|---|',
    ...results.intake.map(({ concurrency, result }) => loadRow('new delivery (202)', concurrency, result)),
    loadRow('duplicate delivery (200)', results.duplicates.concurrency, results.duplicates.result),
  ];
  const memory = [
    '| When | RSS (MiB) | V8 heap used (MiB) |',
    '|---|---|---|',
    ...results.memory.map((sample) => `| ${sample.label} | ${mib(sample.rss)} | ${mib(sample.heapUsed)} |`),
  ];
  const storage = [
    '| When | Delivery rows | Database file (MiB) | WAL file (MiB) | Free pages in the file (MiB) |',
    '|---|---|---|---|---|',
    ...results.storage.map(
      (sample) => `| ${sample.label} | ${sample.deliveryRows} | ${mib(sample.databaseBytes)} | ${mib(sample.walBytes)} | ${mib(sample.freelistBytes)} |`,
    ),
  ];
  return [throughput.join('\n'), memory.join('\n'), storage.join('\n')].join('\n\n');
}
