// Entry point: `node dist/firmware-bridge/main.js --config bridge.json` — load config, start the bridge, stop on signals.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Bridge } from './bridge.js';
import { ConfigError, loadBridgeConfig } from './config.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { config: { type: 'string', short: 'c', default: 'bridge.json' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('usage: node dist/firmware-bridge/main.js --config bridge.json');
    return;
  }

  let config;
  try {
    config = loadBridgeConfig(values.config!);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`firmware-bridge: bad config: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }

  let stopping = false;
  const shutdown = (signal: string, after?: () => void) => {
    if (stopping) return;
    stopping = true;
    bridge.log.info(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    bridge.stop().then(
      () => {
        after?.();
        process.exit(0);
      },
      (err: Error) => {
        bridge.log.error(`stop failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  const bridge = new Bridge(config, {
    // The UPS is nearly empty: stop cleanly, then power the machine off if BRIDGE_POWEROFF_COMMAND says how (e.g.
    // `systemctl poweroff`); without it the process exits 0 and its service stays down.
    onPowerOff: () => shutdown('power-off', powerOffMachine),
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await bridge.start();
}

main().catch((err: Error) => {
  console.error(`firmware-bridge: ${err.stack ?? err.message}`);
  process.exit(1);
});

/** Runs BRIDGE_POWEROFF_COMMAND (through /bin/sh) once the bridge has stopped, when it is set. */
function powerOffMachine(): void {
  const command = process.env.BRIDGE_POWEROFF_COMMAND;
  if (!command) return;
  const result = spawnSync('/bin/sh', ['-c', command], { stdio: 'inherit', timeout: 30_000 });
  if (result.status !== 0)
    console.error(`firmware-bridge: ${command} failed (${result.status ?? result.error?.message})`);
}
