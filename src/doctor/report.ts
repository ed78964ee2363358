import type { CheckResult } from './types.js';

/**
 * Formats the results as a table of status, check and detail, followed by the fix
 * of each failure and a summary line.
 */
export function formatReport(results: CheckResult[]): string {
  const nameWidth = Math.max(5, ...results.map((result) => result.name.length));
  const lines = [`${'STATUS'.padEnd(6)}  ${'CHECK'.padEnd(nameWidth)}  DETAIL`];
  for (const result of results) {
    lines.push(`${result.status.padEnd(6)}  ${result.name.padEnd(nameWidth)}  ${result.detail}`);
  }

  const failures = results.filter((result) => result.status === 'FAIL');
  if (failures.length > 0) {
    lines.push('', 'How to fix:');
    for (const failure of failures) lines.push(`- ${failure.name}: ${failure.fix ?? 'see the detail above'}`);
  }

  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  lines.push('', `${count('OK')} OK, ${count('FAIL')} FAIL, ${count('SKIP')} SKIP`);
  return `${lines.join('\n')}\n`;
}
