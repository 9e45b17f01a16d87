import type { JobStatus } from '../shared/domain/job-status';

export interface ProgressLine {
  label: string;
  status: JobStatus | 'waiting';
  progress: number;
  note?: string;
}

const STAGE_WORDS: Record<ProgressLine['status'], string> = {
  waiting: 'waiting for the pipeline',
  pending_upload: 'waiting for the photo',
  queued: 'queued',
  generating: 'generating motion (LTX)',
  rendering: 'rendering (Remotion)',
  completed: 'done',
  failed: 'failed',
};

const BAR_WIDTH = 24;

export function formatProgressLine(line: ProgressLine, labelWidth: number): string {
  const pct = Math.max(0, Math.min(100, Math.round(line.progress)));
  const filled = Math.round((pct / 100) * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  const note = line.note ? `  ${line.note}` : '';
  return `${line.label.padEnd(labelWidth)}  ${bar} ${String(pct).padStart(3)}%  ${STAGE_WORDS[line.status]}${note}`;
}

/**
 * One progress bar per job on stderr. On a terminal the bars redraw in place; piped into a file or
 * CI log, a line is written only when a job changes stage, so logs stay readable.
 */
export class ProgressDisplay {
  private readonly lines = new Map<string, ProgressLine>();
  private readonly lastStatus = new Map<string, string>();
  private drawn = 0;

  constructor(
    private readonly out: { write(s: string): unknown; isTTY?: boolean },
    private readonly enabled: boolean,
  ) {}

  update(id: string, line: ProgressLine): void {
    this.lines.set(id, line);
    if (!this.enabled) return;
    if (this.out.isTTY) return this.redraw();
    if (this.lastStatus.get(id) === line.status) return;
    this.lastStatus.set(id, line.status);
    this.out.write(`${formatProgressLine(line, this.labelWidth())}\n`);
  }

  private labelWidth(): number {
    return Math.min(40, Math.max(...[...this.lines.values()].map((l) => l.label.length)));
  }

  private redraw(): void {
    const width = this.labelWidth();
    let text = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const line of this.lines.values()) text += `\x1b[2K${formatProgressLine(line, width)}\n`;
    this.drawn = this.lines.size;
    this.out.write(text);
  }
}
