/** `npm start`: reads the environment, starts the hall, and shuts down cleanly on SIGTERM/SIGINT. */
import { readEnv } from './config/env.js';
import { HallConfigError } from './config/load-hall.js';
import { startHallServer } from './app/hall-server.js';
import { log } from './log.js';

async function main(): Promise<void> {
  const env = readEnv();
  log.setLevel(env.LOG_LEVEL);
  // Exit 70: the service manager starts the hall again, from the file (deploy/hallq.service: Restart=on-failure).
  const running = await startHallServer(env, { onFatal: () => process.exit(70) });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
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
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof HallConfigError) process.stderr.write(`HallQ cannot start: ${err.message}\n`);
  else process.stderr.write(`HallQ cannot start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
