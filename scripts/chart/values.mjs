// Checks of values.yaml: the schema, the `## @param` documentation and the
// `.Values` paths that the templates use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';

/** Validates `values` against the chart's draft-07 schema; returns one problem per error, with its value path. */
export function validateValues(values, schema) {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  if (validate(values)) return [];

  return validate.errors.map((error) => {
    const path = error.instancePath.slice(1).replaceAll('/', '.') || '(root)';
    return `values.yaml: ${path} ${error.message}`;
  });
}

/** Lists the dotted paths of `## @param` lines in values.yaml. */
export function documentedParams(valuesText) {
  const params = [];
  for (const match of valuesText.matchAll(/^\s*## @param (\S+) (.+)$/gm)) {
    params.push({ path: match[1], description: match[2].trim() });
  }
  return params;
}

/** Looks up a dotted path; returns `{found: true, value}`, or `{found: false}` when a key is missing. */
export function lookup(values, path) {
  let current = values;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !(key in current)) {
      return { found: false };
    }
    current = current[key];
  }
  return { found: true, value: current };
}

function leafPaths(values, prefix = '') {
  const paths = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isMap = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (isMap && Object.keys(value).length > 0) paths.push(...leafPaths(value, path));
    else paths.push(path);
  }
  return paths;
}

/**
 * Checks that every `@param` names an existing key and that every leaf of values.yaml
 * is documented by a `@param` of its own path or of a parent (a map documented whole).
 */
export function checkParams(values, valuesText) {
  const problems = [];
  const params = documentedParams(valuesText).map((param) => param.path);

  for (const path of params) {
    if (!lookup(values, path).found) problems.push(`values.yaml: @param ${path} names a key that values.yaml does not have`);
  }
  for (const path of leafPaths(values)) {
    const documented = params.some((param) => param === path || path.startsWith(`${param}.`));
    if (!documented) problems.push(`values.yaml: ${path} has no "## @param ${path}" line; document it with its default`);
  }
  return problems;
}

/** Checks that every `.Values.x.y` in the templates exists in values.yaml. */
export function checkTemplateReferences(values, templatesDir) {
  const problems = [];
  for (const file of readdirSync(templatesDir).sort()) {
    const text = readFileSync(join(templatesDir, file), 'utf8');
    for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
      const path = match[1].slice(1);
      if (!lookup(values, path).found) {
        problems.push(`templates/${file}: .Values.${path} is not in values.yaml; add it with a default and a @param line`);
      }
    }
  }
  return problems;
}

/** Merges `override` onto `base` as Helm merges a values file: maps key by key, anything else replaced. */
export function mergeValues(base, override) {
  const isMap = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isMap(base) || !isMap(override)) return override;

  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in base ? mergeValues(base[key], value) : value;
  }
  return merged;
}

const blockKeywords = new Set(['if', 'with', 'range', 'define', 'block']);

/**
 * Checks that every `if`, `with`, `range`, `define` and `block` action in the
 * templates is closed by an `end`, and that no `end` or `else` is left without its action.
 * Helm itself is not needed, so this catches the most common template mistake here.
 */
export function checkTemplateBlocks(templatesDir) {
  const problems = [];
  for (const file of readdirSync(templatesDir).sort()) {
    const text = readFileSync(join(templatesDir, file), 'utf8');
    const open = [];
    for (const match of text.matchAll(/\{\{-?\s*(\/\*[\s\S]*?\*\/|[^}]*?)\s*-?\}\}/g)) {
      const action = match[1];
      if (action.startsWith('/*')) continue;

      const keyword = action.split(/\s+/)[0];
      const line = text.slice(0, match.index).split('\n').length;
      if (blockKeywords.has(keyword)) {
        open.push({ keyword, line });
      } else if (keyword === 'end' && open.pop() === undefined) {
        problems.push(`templates/${file}:${line}: {{ end }} without an opening if, with, range or define`);
      } else if (keyword === 'else' && open.length === 0) {
        problems.push(`templates/${file}:${line}: {{ else }} outside an if, with or range`);
      }
    }
    for (const block of open) {
      problems.push(`templates/${file}:${block.line}: {{ ${block.keyword} }} is never closed with {{ end }}`);
    }
  }
  return problems;
}
