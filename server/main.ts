/** `npm start`: reads the environment, starts the hall, and shuts down cleanly on SIGTERM/SIGINT. */
import { readEnv } from './config/env.js';
import { HallConfigError } from './config/load-hall.js';
import { startHallServer, StartRefused, type RunningHall } from './app/hall-server.js';
import { log } from './log.js';
import { BackgroundErrors } from './app/background-errors.js';

async function main(): Promise<void> {
  const env = readEnv();
  log.setLevel(env.LOG_LEVEL);
  // A full disk under a timer's write is logged, not fatal; other uncaught errors still end the process.
  new BackgroundErrors().install();
  let stopping = false;
  let running: RunningHall | undefined;
  let powerLow = false;
  const shutdown = (signal: string) => {
    if (stopping || !running) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err) => {
        log.error('shutdown failed', { error: (err as Error).message });
        process.exit(1);
      },
    );
  };
  // On a UPS's battery-low the hall shuts down as on SIGTERM, while there is still power to do it cleanly (a
  // battery-low reported while the hall is still starting takes effect once it has started).
  running = await startHallServer(env, {
    // Exit 70: the service manager starts the hall again, from the file (deploy/hallq.service: Restart=on-failure).
    onFatal: () => process.exit(70),
    onPowerLow: () => {
      powerLow = true;
      shutdown('UPS battery low');
    },
  });
  if (powerLow) shutdown('UPS battery low');
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof HallConfigError || err instanceof StartRefused)
    process.stderr.write(`HallQ cannot start: ${err.message}\n`);
  else process.stderr.write(`HallQ cannot start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
