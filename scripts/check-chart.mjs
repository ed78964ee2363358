// Checks the Helm chart without Helm: values.yaml against values.schema.json, the
// `@param` documentation and the README tables, the `.Values` paths of the
// templates, the dashboard and the alert rules against the registered metrics, and
// promtool on the rendered alert rules.
//
// Usage: npm run chart:check            (exits 1 and lists the problems)
//        npm run chart:check -- --write-readme   (regenerates the README tables)
import console from 'node:console';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

import { checkAlertMetrics, checkDashboard, renderAlerts, runPromtool, seriesNames } from './chart/monitoring.mjs';
import { renderParameterTables, updateReadme } from './chart/readme.mjs';
import { checkParams, checkTemplateBlocks, checkTemplateReferences, mergeValues, validateValues } from './chart/values.mjs';

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The chart's directory in this repository. */
export const defaultChartDir = join(rootDir, 'charts', 'gha-slurm');

/** Returns `{name, type}` of every metric that the service registers. */
export async function registeredMetrics() {
  const { createMetrics } = await import('../src/metrics/index.js');
  const { registry } = createMetrics();
  return (await registry.getMetricsAsJSON()).map(({ name, type }) => ({ name, type }));
}

/**
 * Runs every check on the chart in `chartDir`; returns the list of problems, empty
 * when the chart passes.
 */
export async function checkChart(chartDir = defaultChartDir, options = {}) {
  const read = (path) => readFileSync(join(chartDir, path), 'utf8');
  const valuesText = read('values.yaml');
  const values = parse(valuesText);
  const schema = JSON.parse(read('values.schema.json'));
  const names = seriesNames(options.metrics ?? (await registeredMetrics()));

  const problems = [
    ...validateValues(values, schema),
    ...checkExampleValues(chartDir, values, schema),
    ...checkParams(values, valuesText),
    ...checkTemplateReferences(values, join(chartDir, 'templates')),
    ...checkTemplateBlocks(join(chartDir, 'templates')),
    ...checkDashboard(read('files/dashboard.json'), names),
  ];

  const readme = read('README.md');
  if (updateReadme(readme, renderParameterTables(values, valuesText)) !== readme) {
    problems.push('README.md: the parameter tables differ from values.yaml; run "npm run chart:check -- --write-readme"');
  }

  const alerts = renderAlerts(read('files/alerts.yaml'), values.prometheusRule?.thresholds ?? {});
  problems.push(...alerts.problems, ...checkAlertMetrics(alerts.rendered, names));
  if (alerts.problems.length === 0) {
    problems.push(...runPromtool(alerts.rendered, join(chartDir, 'tests', 'alerts.test.yaml'), options.promtool));
  }
  return problems;
}

/** Validates each values file under `ci/` (used by `helm lint` in CI) merged onto the defaults. */
function checkExampleValues(chartDir, values, schema) {
  const ciDir = join(chartDir, 'ci');
  if (!existsSync(ciDir)) return [];

  return readdirSync(ciDir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => {
      const example = parse(readFileSync(join(ciDir, file), 'utf8'));
      return validateValues(mergeValues(values, example), schema).map((problem) =>
        problem.replace(/^values\.yaml:/, `ci/${file}:`),
      );
    });
}

async function main() {
  if (process.argv.includes('--write-readme')) {
    const valuesText = readFileSync(join(defaultChartDir, 'values.yaml'), 'utf8');
    const readmePath = join(defaultChartDir, 'README.md');
    const tables = renderParameterTables(parse(valuesText), valuesText);
    writeFileSync(readmePath, updateReadme(readFileSync(readmePath, 'utf8'), tables));
  }

  const problems = await checkChart();
  for (const problem of problems) console.error(`- ${problem}`);
  console.log(problems.length === 0 ? 'chart check passed' : `chart check failed: ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
