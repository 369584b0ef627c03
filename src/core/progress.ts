import { formatDuration } from './time-format.js';

/**
 * A one-line progress report on stderr: done/total, rate and time left when the total is known.
 * Shown only on a terminal and only once the work has lasted a second.
 */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly enabled: boolean,
    private total?: number,
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  update(done: number, total = this.total): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const rate = done / ((now - this.started) / 1000);
    const parts = [total ? `${done}/${total} (${Math.floor((done / total) * 100)}%)` : `${done}`];
    parts.push(`${Math.round(rate)}/s`);
    if (total && rate > 0 && done < total) parts.push(`${formatDuration((total - done) / rate)} left`);
    this.stream.write(`\r\x1b[K${this.label}: ${parts.join(', ')}`);
  }

  finish(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
  }
}
