import { describe, expect, it } from 'vitest';
import {
  gpiomonArgs,
  gpiosetArgs,
  parseGpiodVersion,
  parseGpiogetOutput,
  parseGpiomonLine,
} from '../../firmware-bridge/gpio/gpiod-parse.js';

describe('gpiomon output', () => {
  it('parses the v1 format', () => {
    expect(parseGpiomonLine('event:  RISING EDGE offset: 13 timestamp: [1600099266.881113987]')).toEqual({
      edge: 'rising',
      offset: 13,
      timestamp: '1600099266.881113987',
      format: 'v1',
    });
    expect(parseGpiomonLine('event: FALLING EDGE offset: 4 timestamp: [     1531412134.012345678]\n')).toMatchObject({
      edge: 'falling',
      offset: 4,
      format: 'v1',
    });
  });

  it('parses the v2 format with chip and offset, with and without a line name', () => {
    expect(parseGpiomonLine('10002.907638045\trising\tgpiochip0 23')).toEqual({
      edge: 'rising',
      offset: 23,
      timestamp: '10002.907638045',
      format: 'v2',
    });
    expect(parseGpiomonLine('10002.907638045\tfalling\tgpiochip0 17 "GPIO17"')).toEqual({
      edge: 'falling',
      offset: 17,
      name: 'GPIO17',
      timestamp: '10002.907638045',
      format: 'v2',
    });
  });

  it('parses the v2 format with only a line name, and UTC timestamps', () => {
    expect(parseGpiomonLine('2024-08-01T10:00:00.123456789Z\trising\t"CALL_BTN"')).toEqual({
      edge: 'rising',
      name: 'CALL_BTN',
      timestamp: '2024-08-01T10:00:00.123456789Z',
      format: 'v2',
    });
  });

  it('ignores anything else', () => {
    expect(parseGpiomonLine('')).toBeNull();
    expect(parseGpiomonLine("Monitoring line '23'...")).toBeNull();
    expect(parseGpiomonLine('event: SOMETHING offset: 1')).toBeNull();
  });
});

describe('gpiod tool helpers', () => {
  it('reads the version', () => {
    expect(parseGpiodVersion('gpiomon (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski')).toBe(1);
    expect(parseGpiodVersion('gpiomon (libgpiod) v2.1.2')).toBe(2);
    expect(parseGpiodVersion('gpiomon: unknown option')).toBeNull();
  });

  it('reads gpioget values of both versions', () => {
    expect(parseGpiogetOutput('1\n')).toBe(1);
    expect(parseGpiogetOutput('0\n')).toBe(0);
    expect(parseGpiogetOutput('"23"=active\n')).toBe(1);
    expect(parseGpiogetOutput('"23"=inactive\n')).toBe(0);
    expect(parseGpiogetOutput('error')).toBeNull();
  });

  it('builds the command lines each version expects', () => {
    expect(gpiomonArgs(1, 'gpiochip0', 17, 'pull-up')).toEqual(['-b', '-B', 'pull-up', 'gpiochip0', '17']);
    expect(gpiomonArgs(2, 'gpiochip0', 17, 'pull-up')).toEqual(['-b', 'pull-up', '-c', 'gpiochip0', '17']);
    expect(gpiosetArgs(1, 'gpiochip0', 5, 1)).toEqual(['--mode=signal', 'gpiochip0', '5=1']);
    expect(gpiosetArgs(2, 'gpiochip0', 5, 0)).toEqual(['-c', 'gpiochip0', '5=0']);
  });
});
