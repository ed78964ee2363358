/** Reads gha-slurm's JSON log for the problems worth showing when the demo fails. */
import { existsSync, readFileSync } from 'node:fs';

interface LogLine {
  level?: number;
  msg?: string;
  err?: { message?: string };
}

const warnLevel = 40;

/**
 * Returns up to `limit` distinct warnings and errors of the log, errors first,
 * each as `message: error message`. Lines that are not JSON are skipped.
 */
export function loggedProblems(file: string, limit = 3): string[] {
  if (!existsSync(file)) return [];

  const problems = new Map<string, number>();
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      continue;
    }
    if ((line.level ?? 0) < warnLevel) continue;

    const problem = line.err?.message ? `${line.msg ?? ''}: ${line.err.message}` : (line.msg ?? '');
    problems.set(problem, Math.max(problems.get(problem) ?? 0, line.level ?? 0));
  }
  return [...problems].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([problem]) => problem);
}
