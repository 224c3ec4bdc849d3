// GPIO inputs at bridge start: a contact already active is a baseline for buttons (no press), a level for sensors.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBody, EventName } from '../../devices/protocol/mqtt-topics.js';
import type { DeviceGpioConfig } from '../../firmware-bridge/config.js';
import type { DriverContext } from '../../firmware-bridge/drivers/driver.js';
import { GpioDriver } from '../../firmware-bridge/drivers/gpio-driver.js';
import type { GpioBackend, Level } from '../../firmware-bridge/gpio/backend.js';
import { SimulatedGpio } from '../../firmware-bridge/gpio/simulated-backend.js';
import { silentLogger } from '../../firmware-bridge/util/log.js';
import { delay } from './helpers.js';

const DEBOUNCE = 10;
const settle = () => delay(DEBOUNCE * 4);

function recorder() {
  const events: Array<[EventName, unknown]> = [];
  const ctx: DriverContext = {
    emit: <N extends EventName>(name: N, body: EventBody<N>) => void events.push([name, body]),
    log: silentLogger,
  };
  return { ctx, events };
}

describe('gpio inputs at start', () => {
  const drivers: GpioDriver[] = [];
  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.stop();
  });

  const start = async (backend: GpioBackend, gpio: Partial<DeviceGpioConfig>) => {
    const driver = new GpioDriver(backend, { inputs: [], outputs: [], ...gpio }, DEBOUNCE);
    drivers.push(driver);
    const { ctx, events } = recorder();
    await driver.start(ctx);
    return events;
  };

  it('a button held, or an emergency button latched, while the bridge starts is no press; its next real press is', async () => {
    const gpio = new SimulatedGpio();
    gpio.setInput(5, 1); // active-high emergency contact, latched
    gpio.setInput(17, 0); // active-low call button, held down
    const events = await start(gpio, {
      inputs: [
        { pin: 5, event: 'press', button: 'emergency', activeLow: false },
        { pin: 17, event: 'press', button: 'call', activeLow: true },
      ],
    });
    await settle();
    expect(events).toEqual([]);

    for (const [pin, released, pressed] of [
      [5, 0, 1],
      [17, 1, 0],
    ] as const) {
      gpio.setInput(pin, released);
      await settle();
      gpio.setInput(pin, pressed);
      await settle();
    }
    expect(events).toEqual([
      ['press', { button: 'emergency' }],
      ['press', { button: 'call' }],
    ]);
  });

  it('a people-counter beam blocked at start counts nobody', async () => {
    const gpio = new SimulatedGpio();
    gpio.setInput(6, 1);
    const events = await start(gpio, { inputs: [{ pin: 6, event: 'count', delta: 1, activeLow: false }] });
    await settle();
    expect(events).toEqual([]);
    gpio.setInput(6, 0);
    await settle();
    gpio.setInput(6, 1);
    await settle();
    expect(events).toEqual([['count', { inside: 1 }]]);
  });

  it('UPS and fire panel inputs still report their level once at start', async () => {
    const gpio = new SimulatedGpio();
    gpio.setInput(24, 1); // on battery
    gpio.setInput(25, 1); // fire contact is active-low: 1 = quiet
    const events = await start(gpio, {
      inputs: [
        { pin: 24, event: 'power', activeLow: false },
        { pin: 25, event: 'alarm', activeLow: true },
      ],
    });
    await settle();
    expect(events).toEqual(
      expect.arrayContaining([
        ['power', { onBattery: true }],
        ['alarm', { active: false }],
      ]),
    );
    expect(events).toHaveLength(2);
  });

  it('a backend that could not read the start level: its first edge is a real transition, so the first press counts', async () => {
    // Like gpiod when gpioget fails: no level at start, then gpiomon reports edges.
    let edge: ((value: Level, fromEdge?: boolean) => void) | undefined;
    const backend: GpioBackend = {
      name: 'gpiod',
      input: (_pin, _edge, onChange) => {
        edge = onChange;
        return { close: () => (edge = undefined) };
      },
      output: () => ({ write: async () => undefined }),
      close: async () => undefined,
    };
    const events = await start(backend, { inputs: [{ pin: 17, event: 'press', button: 'call', activeLow: true }] });
    edge!(0, true); // falling edge on an active-low button: pressed
    await settle();
    expect(events).toEqual([['press', { button: 'call' }]]);
  });
});
