// Entry point: `node dist/firmware-bridge/main.js --config bridge.json` — load config, start the bridge, stop on signals.
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

  const bridge = new Bridge(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    bridge.log.info(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    bridge.stop().then(
      () => process.exit(0),
      (err: Error) => {
        bridge.log.error(`stop failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await bridge.start();
}

main().catch((err: Error) => {
  console.error(`firmware-bridge: ${err.stack ?? err.message}`);
  process.exit(1);
});
