/** One configuration problem: where it is (`pools[1].partition`) and what is wrong. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** Every problem found while loading a configuration file, reported together. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(source: string, problems: ConfigProblem[], options?: ErrorOptions) {
    const lines = problems.map((problem) => `  ${formatProblem(problem)}`);
    super(`invalid configuration in ${source}:\n${lines.join('\n')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Formats a problem as `path: message`, or the bare message for the file as a whole. */
export function formatProblem(problem: ConfigProblem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}

/** Formats a zod-style path (`['pools', 1, 'partition']`) as `pools[1].partition`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? String(segment) : `.${String(segment)}`;
    }
  }
  return text;
}
