/**
 * A one-line progress display on stderr, only when stderr is a terminal;
 * redrawn at most ten times a second so it costs nothing on large inputs.
 */
export class Progress {
  private last = 0;
  private shown = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(bytes: number, lines: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const seconds = Math.max((now - this.startedAt) / 1000, 0.001);
    const rate = `${Math.round(lines / seconds).toLocaleString('en')} lines/s`;
    let bar = '';
    if (this.total) {
      const fraction = Math.min(bytes / this.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    }
    const name = this.label.length > 40 ? `…${this.label.slice(-39)}` : this.label;
    this.stream.write(`\r\x1b[K${name} ${bar}${lines.toLocaleString('en')} lines, ${rate}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
