// Shows a create's events to a person: on a terminal one status line rewritten in place, elsewhere
// (a pipe, a file, a CI log) plain lines, so logs hold no carriage returns or escape sequences.
import type { CreateEvent, CreatePhase } from './options.js';

/** Where progress is shown: a writable stream, a TTY one (isTTY, columns) for the live line. */
export interface ProgressStream {
  /** Writes text (a stream's write). */
  write(text: string): unknown;
  /** A terminal: one live line is rewritten in place. */
  isTTY?: boolean;
  /** The terminal's width, to cut the live line to. */
  columns?: number;
}

/** Renders events one at a time; end() closes the live line. */
export interface ProgressRenderer {
  /** Shows one event. */
  write(ev: CreateEvent): void;
  /** Ends the live line. */
  end(): void;
}

const CLEAR_TO_END = '\x1b[K';

/**
 * A byte count for people, in binary units.
 *
 * @example
 * formatBytes(1536) // '1.5 KiB'
 */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

function counts(bytes: number | null, total: number | null): string {
  if (bytes === null) return '';
  if (total) return ` ${Math.min(100, Math.floor((100 * bytes) / total))}% (${formatBytes(bytes)} of ${formatBytes(total)})`;
  return ` ${formatBytes(bytes)}`;
}

/**
 * A renderer of create events to `out` (default: stderr, so stdout stays the program's): on a TTY
 * one line rewritten with '\r' and clear-to-end (stderr lines of the template stay above it),
 * otherwise each line as a plain line and a phase's byte count once it ends.
 *
 * @example
 * const r = progressRenderer(process.stderr);
 * await c.create('busybox', {}, { onOutput: (line, stream) => r.write({ type: 'output', line, stream, end: '\n' }) }).finally(() => r.end());
 */
export function progressRenderer(out: ProgressStream = process.stderr): ProgressRenderer {
  const tty = out.isTTY === true;
  let phase: CreatePhase | null = null;
  let bytes: number | null = null;
  let total: number | null = null;
  let last = '';
  let shown = false;

  const draw = () => {
    const text = [phase ? `${phase}${counts(bytes, total)}` : '', last].filter(Boolean).join(' · ');
    // One column short: writing the last one makes some terminals wrap.
    const width = Math.max(10, (out.columns || 80) - 1);
    out.write(`\r${text.length > width ? `${text.slice(0, width - 1)}…` : text}${CLEAR_TO_END}`);
    shown = true;
  };
  const closePhase = () => {
    if (!tty && phase && bytes !== null) out.write(`${phase}:${counts(bytes, total)}\n`);
  };

  return {
    write(ev) {
      if (ev.type === 'phase') {
        closePhase();
        phase = ev.phase;
        bytes = total = null;
      } else if (ev.type === 'bytes') {
        if (ev.phase !== phase) return;
        bytes = ev.bytes;
        total = ev.total ?? null;
      } else if (!tty) {
        out.write(`${ev.line}\n`);
        return;
      } else if (ev.stream === 'stderr' && ev.line.trim()) {
        // What a template says on stderr is kept: written above the live line.
        out.write(`\r${CLEAR_TO_END}${ev.line}\n`);
      } else if (ev.line.trim()) {
        last = ev.line.trim();
      }
      if (tty) draw();
    },
    end() {
      closePhase();
      if (tty && shown) out.write('\n');
      shown = false;
    },
  };
}

/**
 * Renders every event of `events` (a create) to `out`, then resolves; rejects with the create's
 * error, the live line closed first.
 *
 * @example
 * await renderProgress(c.create('download', { dist: 'debian', release: 'bookworm', arch: 'amd64' }));
 */
export async function renderProgress(events: AsyncIterable<CreateEvent>, out: ProgressStream = process.stderr): Promise<void> {
  const r = progressRenderer(out);
  try {
    for await (const ev of events) r.write(ev);
  } finally {
    r.end();
  }
}
