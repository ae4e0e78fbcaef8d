// Prints docs/design.md's "Routes" table from lib/call/routes.ts; with --write, puts it there
// (between the routes markers). test/unit/call-routes.test.ts fails when the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROUTES, type Route } from '../lib/call/routes.js';

export const BEGIN = '<!-- routes:begin (scripts/routes-table.ts --write) -->';
export const END = '<!-- routes:end -->';
export const designPath = fileURLToPath(new URL('../docs/design.md', import.meta.url));

const LANES: Record<Route['lane'], string> = { sync: 'main thread', thread: "koffi's thread", runner: 'runner', worker: 'create worker' };

/** The table as markdown, one row per member in lxccontainer.h's order. */
export function routesTable(): string {
  const rows = Object.entries(ROUTES as Record<string, Route>).map(([member, r]) => {
    const notes = [r.extension && `needs the ${r.extension} extension`, r.sized && 'sized read', r.result && r.result !== 'value' && `answers ${r.result}`,
      r.movesCgroup && "moves the runner's cgroup", r.keepsLog && 'keeps its log', r.entersContainer && 'hides the runner\'s log files'].filter(Boolean).join('; ');
    return `| \`${member}\` | ${LANES[r.lane]} | ${r.queued ? 'yes' : 'no'} | ${r.needs ?? ''} | ${notes} |`;
  });
  return ['| member | lane | queued | needs | notes |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The table design.md holds now, or null without markers. */
export function documentedTable(text: string): string | null {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  return a < 0 || b < a ? null : text.slice(a + BEGIN.length, b).trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) {
    const text = readFileSync(designPath, 'utf8');
    const a = text.indexOf(BEGIN);
    const b = text.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${designPath} has no routes markers`);
    writeFileSync(designPath, `${text.slice(0, a + BEGIN.length)}\n${routesTable()}\n${text.slice(b)}`);
  } else {
    console.log(routesTable());
  }
}
