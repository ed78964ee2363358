// The parameter tables of the chart README, generated from the `## @section` and
// `## @param` lines of values.yaml so that the two cannot drift apart.
import { lookup } from './values.mjs';

export const startMarker = '<!-- parameters:start -->';
export const endMarker = '<!-- parameters:end -->';

function formatDefault(value) {
  const text = JSON.stringify(value);
  return `\`${text.replaceAll('|', '\\|')}\``;
}

/** Renders one Markdown table per `@section`, with each parameter's description and default. */
export function renderParameterTables(values, valuesText) {
  const lines = [];
  for (const line of valuesText.split('\n')) {
    const section = line.match(/^## @section (.+)$/);
    if (section) {
      lines.push('', `### ${section[1].trim()}`, '', '| Name | Description | Default |', '| --- | --- | --- |');
      continue;
    }
    const param = line.match(/^\s*## @param (\S+) (.+)$/);
    if (param) {
      const { value } = lookup(values, param[1]);
      lines.push(`| \`${param[1]}\` | ${param[2].trim().replaceAll('|', '\\|')} | ${formatDefault(value)} |`);
    }
  }
  return `${lines.join('\n').trim()}\n`;
}

/** Replaces the text between the markers of `readme` with `tables`. */
export function updateReadme(readme, tables) {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`the chart README has no "${startMarker}" ... "${endMarker}" block; add one where the tables belong`);
  }
  return `${readme.slice(0, start + startMarker.length)}\n${tables}${readme.slice(end)}`;
}
