// Checks of the dashboard and the alert rules against the metrics that
// createMetrics() registers, and the promtool runs on the rendered rules.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const histogramSuffixes = ['_bucket', '_count', '_sum'];

/** Expands registered metrics to every series name they expose (a histogram's `_bucket`, `_count`, `_sum`). */
export function seriesNames(metrics) {
  const names = new Set();
  for (const { name, type } of metrics) {
    if (type === 'histogram') {
      for (const suffix of histogramSuffixes) names.add(name + suffix);
    } else {
      names.add(name);
    }
  }
  return names;
}

/** Lists the `gha_slurm_*` names used in a PromQL text. */
export function usedMetricNames(text) {
  return [...new Set(text.match(/\bgha_slurm_[a-z0-9_]+/g) ?? [])];
}

function dashboardExpressions(dashboard) {
  const expressions = [];
  const visit = (panel) => {
    for (const target of panel.targets ?? []) {
      if (typeof target.expr === 'string') expressions.push({ panel: panel.title, expr: target.expr });
    }
    for (const child of panel.panels ?? []) visit(child);
  };
  for (const panel of dashboard.panels ?? []) visit(panel);
  for (const variable of dashboard.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    if (typeof query === 'string') expressions.push({ panel: `variable ${variable.name}`, expr: query });
  }
  return expressions;
}

/** Checks that the dashboard is JSON with panels and that each metric its queries use is registered. */
export function checkDashboard(dashboardText, names) {
  let dashboard;
  try {
    dashboard = JSON.parse(dashboardText);
  } catch (error) {
    return [`files/dashboard.json: invalid JSON (${error.message})`];
  }

  const expressions = dashboardExpressions(dashboard);
  if (expressions.length === 0) return ['files/dashboard.json: no panel has a Prometheus query'];

  const problems = [];
  for (const { panel, expr } of expressions) {
    for (const name of usedMetricNames(expr)) {
      if (!names.has(name)) problems.push(`files/dashboard.json: panel "${panel}" uses ${name}, which createMetrics() does not register`);
    }
  }
  return problems;
}

/** Fills the `${NAME}` placeholders of the rule file; reports placeholders without a value and unused thresholds. */
export function renderAlerts(alertsText, thresholds) {
  const problems = [];
  const used = new Set();
  const rendered = alertsText.replace(/\$\{([A-Za-z0-9_]+)\}/g, (placeholder, name) => {
    used.add(name);
    if (!(name in thresholds)) {
      problems.push(`files/alerts.yaml: ${placeholder} has no prometheusRule.thresholds.${name} in values.yaml`);
      return placeholder;
    }
    return String(thresholds[name]);
  });

  for (const name of Object.keys(thresholds)) {
    if (!used.has(name)) problems.push(`values.yaml: prometheusRule.thresholds.${name} is not used by files/alerts.yaml`);
  }
  return { rendered, problems };
}

/** Checks that every metric the alert rules use is registered. */
export function checkAlertMetrics(rendered, names) {
  return usedMetricNames(rendered)
    .filter((name) => !names.has(name))
    .map((name) => `files/alerts.yaml: uses ${name}, which createMetrics() does not register`);
}

/**
 * Runs `promtool check rules` on the rendered rules and `promtool test rules` on the
 * chart's rule tests. Returns a problem when promtool is missing, so that a machine
 * without it fails instead of passing silently.
 */
export function runPromtool(rendered, testsFile, promtool = 'promtool') {
  const dir = mkdtempSync(join(tmpdir(), 'gha-slurm-rules-'));
  try {
    writeFileSync(join(dir, 'alerts.yaml'), rendered);
    copyFileSync(testsFile, join(dir, 'alerts.test.yaml'));

    const problems = [];
    for (const args of [['check', 'rules', 'alerts.yaml'], ['test', 'rules', 'alerts.test.yaml']]) {
      const result = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8' });
      if (result.error) {
        return [`promtool: could not run ${promtool} (${result.error.message}); install Debian's "prometheus" package`];
      }
      if (result.status !== 0) {
        problems.push(`promtool ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
      }
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
