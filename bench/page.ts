/** Builds docs/benchmarks.md from one run's results. */
import { machineDescription, type BenchResults } from './report.js';

/** The command that produced the page, as a reader would type it. */
export const benchCommand = 'npm run bench';

/** Deliveries GitHub sends per workflow job: queued, in_progress and completed, plus an occasional redelivery. */
const deliveriesPerJob = 3;

/** Builds the page: how the numbers were taken, the tables, and what they mean for a site. */
export function benchmarkPage(results: BenchResults, tables: string): string {
  const slowest = Math.min(...results.intake.map(({ result }) => result.perSecond));
  const jobsPerHour = Number(((slowest * 3600) / deliveriesPerJob).toPrecision(2));
  const worstP99 = Math.max(...results.intake.map(({ result }) => result.p99Ms));
  const filled = results.storage.find((sample) => sample.deliveryRows > 0);
  const kibPerDelivery = filled ? (filled.databaseBytes + filled.walBytes) / filled.deliveryRows / 1024 : Number.NaN;
  const gcNote = results.gcExposed ? '' : '\nThis run had no `--expose-gc`, so the memory table has no sample after a forced GC.\n';

  return `# Benchmarks

These numbers come from \`bench/webhooks.ts\`, run with \`${benchCommand}\`
(\`tsx --expose-gc bench/webhooks.ts\`) on ${new Date().toISOString().slice(0, 10)}.
Running it again rewrites this page.

Machine: ${machineDescription()}.

## What is measured

The benchmark starts the real service in-process with a real SQLite file in a temporary directory on
local disk. Every delivery is committed with \`synchronous = FULL\` (one fsync per commit) before its
202 reply, so the fsync time of that disk affects the rate more than the CPU does. GitHub is the msw
fake of the tests. The deliveries ask for the label \`linux\`, which the only pool does not carry, so each
delivery is recorded, answered, processed and marked processed, but no Slurm job is submitted and no
Slurm cluster is needed. The load generator runs in the same process and sends signed \`workflow_job\`
\`queued\` deliveries, built from the example payload of \`@octokit/webhooks-examples\` (about 7 KB), over
keep-alive loopback connections, one request in flight per connection. The service logs at info level
into /dev/null, so formatting the log lines is part of the cost.

- New deliveries: unique delivery ids, answered 202, at concurrency 1, 8 and 32.
- Duplicate deliveries: delivery ids already recorded, answered 200 (the deduplication path).
- Memory: RSS and V8 heap of the whole process (service and load generator together).
- Store: the SQLite file after the run, and after \`Store.prune\` deleted every processed delivery.

Every run is bounded: a fixed request count and at most 120 seconds per run.
${gcNote}
## Results

${tables}

## What this means for a site

GitHub sends a few deliveries per workflow job (\`queued\`, \`in_progress\`, \`completed\`, and a
redelivery now and then). At the slowest measured intake rate, ${slowest.toFixed(0)} deliveries per second,
one gha-slurm process takes the deliveries of about ${jobsPerHour.toLocaleString('en-US')} workflow jobs an
hour, counting ${deliveriesPerJob} deliveries per job. The worst p99 reply time above, ${worstP99.toFixed(1)} ms,
is far inside the 10 seconds after which GitHub counts a delivery as failed. Slurm submission, not
webhook intake, bounds how fast queued jobs start: it happens after the reply, and each submission is
a slurmrestd request, so these numbers say nothing about it.

SQLite does not return the pages that \`Store.prune\` frees to the file system. It reuses them for new
rows, so the file stops growing once \`store.retentionDays\` of history is stored. The WAL file keeps its
largest size until the service stops. In this run the files took about ${kibPerDelivery.toFixed(1)} KiB per
delivery, most of it the raw body that the store keeps. Size the disk for \`store.retentionDays\` days of
your own delivery rate at that size, plus the workflow job and runner rows.

The prune runs on the service's event loop, and webhook replies wait while it runs. The storage table
shows how long it took for every row of this run. An hourly prune deletes about one hour of rows, but
the first prune of a store that was never pruned deletes everything older than the retention at once.

The memory table covers the whole process, so the start value includes tsx, msw and the load generator.
What matters for a long-running service is the difference: the heap after a forced GC returns close to
its start value when nothing grows per delivery.

The load generator competes with the service for the same cores, and other work on the machine shows
in the load average above. Rates differed by a factor of up to four between runs on a busy 2-core
virtual machine, so repeat the run before comparing two versions. Read the numbers as orders of magnitude, not as limits.
`;
}
