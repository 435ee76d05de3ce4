// CPU seconds per thread of a process, printed to stderr when it exits (Linux, /proc/self/task):
// which thread a campaign's time goes to, the main thread, worker threads or V8's helper
// threads (garbage collection and concurrent compilation). Preload it into any command:
//   node --import ./bench/thread-cpu.mjs dist/src/cli/main.js check --schedules 10000 --workers 2
// Threads are sampled every 200 ms as well, so a worker that ended before the exit still counts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const start = Date.now();
const seen = new Map();

function sample() {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, in clock ticks (100 per second on Linux).
      seen.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
}

if (existsSync('/proc/self/task')) {
  setInterval(sample, 200).unref();
  process.on('exit', () => {
    sample();
    const rows = [...seen].sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((n, [, s]) => n + s, 0);
    const name = (tid) => (tid === String(process.pid) ? 'main' : tid);
    const top = rows.slice(0, 8).map(([tid, s]) => `${name(tid)}=${s.toFixed(2)}`);
    console.error(
      `wall ${((Date.now() - start) / 1000).toFixed(2)} s, CPU ${total.toFixed(2)} s: ${top.join(' ')}`,
    );
  });
}
