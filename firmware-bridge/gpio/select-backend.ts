// Picks the GPIO backend: sysfs → onoff, else gpiomon on PATH → gpiod, else simulated (or what the config says).
import fs from 'node:fs';
import type { BridgeConfig } from '../config.js';
import type { Logger } from '../util/log.js';
import { onPath } from '../util/spawn.js';
import type { GpioBackend } from './backend.js';
import { GpiodBackend, detectGpiodVersion } from './gpiod-backend.js';
import { OnoffBackend, loadOnoff } from './onoff-backend.js';
import { SimulatedGpio } from './simulated-backend.js';

/** Environment probes, replaceable in tests. */
export interface GpioProbe {
  hasSysfs(): boolean;
  hasGpiomon(): boolean;
}

const realProbe: GpioProbe = {
  hasSysfs: () => fs.existsSync('/sys/class/gpio'),
  hasGpiomon: () => onPath('gpiomon'),
};

export async function selectGpioBackend(
  cfg: BridgeConfig['gpio'],
  log: Logger,
  probe: GpioProbe = realProbe,
): Promise<GpioBackend> {
  const want = cfg.backend;
  if (want === 'simulated') return new SimulatedGpio();

  if (want === 'onoff' || (want === 'auto' && probe.hasSysfs())) {
    const Gpio = await loadOnoff(log);
    if (Gpio) return new OnoffBackend(Gpio, log);
    if (want === 'onoff') throw new Error('gpio.backend is "onoff" but onoff cannot be used here');
  }

  if (want === 'gpiod' || (want === 'auto' && probe.hasGpiomon())) {
    const version = cfg.gpiodVersion ?? (await detectGpiodVersion());
    if (version) {
      log.info(`gpio: gpiod tools v${version} on ${cfg.chip}`);
      return new GpiodBackend(cfg.chip, version, log);
    }
    if (want === 'gpiod')
      throw new Error('gpio.backend is "gpiod" but `gpiomon --version` did not answer; set gpio.gpiodVersion');
  }

  log.warn('gpio: no sysfs GPIO or gpiod tools found; using the simulated backend (inputs never change)');
  return new SimulatedGpio();
}
