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

  /** Input read so far: a bar when the size is known, lines and lines per second. */
  update(bytes: number, lines: number): void {
    const seconds = this.tick();
    if (seconds === undefined) return;
    this.draw(bytes, `${lines.toLocaleString('en')} lines, ${Math.round(lines / seconds).toLocaleString('en')} lines/s`);
  }

  /** A download: bytes received so far and the rate, a bar when the size is known. */
  received(bytes: number): void {
    const seconds = this.tick();
    if (seconds === undefined) return;
    this.draw(bytes, `${megabytes(bytes)} received, ${megabytes(bytes / seconds)}/s`);
  }

  /** Seconds since the start when a redraw is due (on a terminal, at most ten a second), else undefined. */
  private tick(): number | undefined {
    if (!this.enabled) return undefined;
    const now = Date.now();
    if (now - this.last < 100) return undefined;
    this.last = now;
    return Math.max((now - this.startedAt) / 1000, 0.001);
  }

  private draw(bytes: number, text: string): void {
    let bar = '';
    if (this.total) {
      const fraction = Math.min(bytes / this.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    }
    const name = this.label.length > 40 ? `…${this.label.slice(-39)}` : this.label;
    this.stream.write(`\r\x1b[K${name} ${bar}${text}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
