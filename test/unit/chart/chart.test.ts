import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { checkChart, defaultChartDir } from '../../../scripts/check-chart.mjs';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

let chartDir: string;

function edit(file: string, change: (text: string) => string): void {
  const path = join(chartDir, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

beforeEach(() => {
  chartDir = join(mkdtempSync(join(tmpdir(), 'gha-slurm-chart-')), 'gha-slurm');
  cpSync(defaultChartDir, chartDir, { recursive: true });
});

afterEach(() => {
  rmSync(join(chartDir, '..'), { recursive: true, force: true });
});

describe('chart check', () => {
  it.runIf(hasPromtool || process.env.CI)('passes on the chart as committed', async () => {
    expect(await checkChart(chartDir)).toEqual([]);
  });

  it('reports promtool missing', async () => {
    const problems = await checkChart(chartDir, { promtool: '/nonexistent/promtool' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/could not run \/nonexistent\/promtool/);
  });

  it('rejects a value of the wrong type', async () => {
    edit('values.yaml', (text) => text.replace('  size: 1Gi', '  size: [1Gi]'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(expect.stringMatching(/^values\.yaml: persistence\.size must be string,number/));
  });

  it('rejects an unknown top-level value', async () => {
    edit('values.yaml', (text) => `${text}\n## @param replicaCount Replicas\nreplicaCount: 2\n`);
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual('values.yaml: (root) must NOT have additional properties');
  });

  it('rejects a bad CI values file', async () => {
    edit('ci/lint-values.yaml', (text) => text.replace('installDir: /opt/actions-runner', 'installDir: opt/actions-runner'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual('ci/lint-values.yaml: config.runner.installDir must match pattern "^/"');
  });

  it('rejects a value without @param', async () => {
    edit('values.yaml', (text) => text.replace('  tmpSizeLimit', '  tmpSizeLimit').replace('## @param tmpSizeLimit', '##'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(expect.stringMatching(/^values\.yaml: tmpSizeLimit has no "## @param tmpSizeLimit" line/));
  });

  it('rejects a template path missing from values', async () => {
    edit('templates/pvc.yaml', (text) => text.replace('.Values.persistence.size', '.Values.persistence.capacity'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(
      'templates/pvc.yaml: .Values.persistence.capacity is not in values.yaml; add it with a default and a @param line',
    );
  });

  it('rejects an unclosed template block', async () => {
    edit('templates/pvc.yaml', (text) => text.replace(/\{\{- end \}\}\n$/, ''));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual('templates/pvc.yaml:1: {{ if }} is never closed with {{ end }}');
  });

  it('rejects a stray end', async () => {
    edit('templates/service.yaml', (text) => `${text}{{- end }}\n`);
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(expect.stringMatching(/^templates\/service\.yaml:\d+: \{\{ end \}\} without an opening/));
  });

  it('rejects a README out of date', async () => {
    edit('values.yaml', (text) => text.replace('size: 1Gi', 'size: 2Gi'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(expect.stringMatching(/^README\.md: the parameter tables differ from values\.yaml/));
  });

  it('rejects a dashboard metric that is not registered', async () => {
    edit('files/dashboard.json', (text) => text.replace('gha_slurm_queued_jobs', 'gha_slurm_jobs_in_queue'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(
      'files/dashboard.json: panel "Queued workflow jobs" uses gha_slurm_jobs_in_queue, which createMetrics() does not register',
    );
  });

  it('rejects a dashboard that is not JSON', async () => {
    edit('files/dashboard.json', (text) => text.slice(0, -3));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(expect.stringMatching(/^files\/dashboard\.json: invalid JSON/));
  });

  it('rejects a threshold placeholder without a value', async () => {
    edit('files/alerts.yaml', (text) => text.replace('for: ${clusterDownFor}', 'for: ${clusterDownAfter}'));
    const problems = await checkChart(chartDir, { promtool: 'true' });

    expect(problems).toContainEqual(
      'files/alerts.yaml: ${clusterDownAfter} has no prometheusRule.thresholds.clusterDownAfter in values.yaml',
    );
    expect(problems).toContainEqual('values.yaml: prometheusRule.thresholds.clusterDownFor is not used by files/alerts.yaml');
  });

  it.runIf(hasPromtool || process.env.CI)('fails when an alert test breaks', async () => {
    edit('values.yaml', (text) => text.replace('clusterDownFor: 5m', 'clusterDownFor: 30m'));
    const problems = await checkChart(chartDir);

    expect(problems.some((problem) => problem.startsWith('promtool test rules alerts.test.yaml failed'))).toBe(true);
  });

  it.runIf(hasPromtool || process.env.CI)('fails on an invalid alert expression', async () => {
    edit('files/alerts.yaml', (text) => text.replace('expr: gha_slurm_cluster_up == 0', 'expr: gha_slurm_cluster_up == ('));
    const problems = await checkChart(chartDir);

    expect(problems.some((problem) => problem.startsWith('promtool check rules alerts.yaml failed'))).toBe(true);
  });
});
