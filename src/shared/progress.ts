/**
 * A terminal progress line (count, rate, ETA) for long jobs; silent when stdout is not a TTY unless
 * forced. `unit` shows counts divided by `divisor` (bytes as "Mo", say).
 */
export function progress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stdout,
  unit: { name: string; divisor: number } = { name: '', divisor: 1 },
) {
  const started = Date.now();
  let last = 0;
  let done = 0;
  const render = (final: boolean) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const width = 24;
    const bar = '█'.repeat(Math.round((pct / 100) * width)).padEnd(width, '░');
    const n = (x: number) => `${Math.round(x / unit.divisor)}`;
    const line = `${label} ${bar} ${pct}% ${n(done)}/${n(total)}${unit.name} · ${n(rate)}${unit.name}/s · reste ${eta.toFixed(0)} s`;
    if (stream.isTTY) stream.write(`\r${line}${final ? '\n' : ''}`);
    else if (final) stream.write(`${line}\n`);
  };
  return {
    tick(n = 1) {
      done += n;
      const now = Date.now();
      if (now - last > 200) {
        last = now;
        render(false);
      }
    },
    end() {
      render(true);
    },
  };
}
