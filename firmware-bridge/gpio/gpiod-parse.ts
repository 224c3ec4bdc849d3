// Pure parsers and argument builders for Debian's gpiod tools (libgpiod v1 and v2 command lines differ).
import type { Bias, Level } from './backend.js';

export type GpiodVersion = 1 | 2;

export interface GpiomonEvent {
  edge: 'rising' | 'falling';
  /** Line offset when the line printed it (v1 always; v2 when the line has no name or a chip was given). */
  offset?: number;
  /** v2: the line name, when it has one. */
  name?: string;
  /** As printed: seconds (`1600099266.881113987`) or an ISO time. */
  timestamp: string;
  format: 'v1' | 'v2';
}

const V1 = /^event:\s+(RISING|FALLING) EDGE\s+offset:\s*(\d+)\s+timestamp:\s*\[\s*([0-9.]+)\]\s*$/;
const V2 = /^(\S+)\t(rising|falling)\t(.*)$/;

/**
 * One line of gpiomon's default output, either version:
 * - v1: `event:  RISING EDGE offset: 23 timestamp: [1600099266.881113987]`
 * - v2: `10002.907638045\trising\tgpiochip0 23` (or `… "NAME"`, or just `"NAME"`)
 * @returns null for anything else (banners, blank lines).
 */
export function parseGpiomonLine(line: string): GpiomonEvent | null {
  const text = line.replace(/\r?\n$/, '');
  const v1 = V1.exec(text.trim());
  if (v1)
    return { edge: v1[1] === 'RISING' ? 'rising' : 'falling', offset: Number(v1[2]), timestamp: v1[3]!, format: 'v1' };
  const v2 = V2.exec(text.trim());
  if (!v2) return null;
  const event: GpiomonEvent = { edge: v2[2] as 'rising' | 'falling', timestamp: v2[1]!, format: 'v2' };
  const id = v2[3]!.trim();
  const chipOffset = /^(\S+) (\d+)(?: (.+))?$/.exec(id);
  if (chipOffset && !id.startsWith('"')) {
    event.offset = Number(chipOffset[2]);
    if (chipOffset[3]) event.name = chipOffset[3].replace(/^"(.*)"$/, '$1');
  } else if (id) {
    event.name = id.replace(/^"(.*)"$/, '$1');
  }
  return event;
}

/** The level an edge leaves the line at. */
export const levelAfter = (edge: GpiomonEvent['edge']): Level => (edge === 'rising' ? 1 : 0);

/** `gpiomon (libgpiod) v2.1.2` → 2; null when not recognised. */
export function parseGpiodVersion(text: string): GpiodVersion | null {
  const m = /\bv(\d+)\.\d+/.exec(text);
  if (!m) return null;
  return m[1] === '1' ? 1 : m[1] === '2' ? 2 : null;
}

/**
 * gpioget's answer: v1 prints `1`, v2 prints `"23"=active` (or `=inactive`); null if neither.
 * @example parseGpiogetOutput('"23"=inactive\n') // 0
 */
export function parseGpiogetOutput(text: string): Level | null {
  const t = text.trim();
  const v2 = /=(active|inactive|1|0|on|off)\b/.exec(t);
  if (v2) return v2[1] === 'active' || v2[1] === '1' || v2[1] === 'on' ? 1 : 0;
  if (t === '1' || t === '0') return t === '1' ? 1 : 0;
  return null;
}

/** gpiomon arguments watching one line (both edges); v1 needs `-b` for line-buffered output into a pipe. */
export function gpiomonArgs(version: GpiodVersion, chip: string, pin: number, bias?: Bias): string[] {
  if (version === 1) return ['-b', ...(bias ? ['-B', bias === 'disabled' ? 'disable' : bias] : []), chip, String(pin)];
  return [...(bias ? ['-b', bias] : []), '-c', chip, String(pin)];
}

/** gpioget arguments reading one line. */
export function gpiogetArgs(version: GpiodVersion, chip: string, pin: number, bias?: Bias): string[] {
  if (version === 1) return [...(bias ? ['-B', bias === 'disabled' ? 'disable' : bias] : []), chip, String(pin)];
  return [...(bias ? ['-b', bias] : []), '-c', chip, String(pin)];
}

/** gpioset arguments that drive one line and hold it until the process is killed. */
export function gpiosetArgs(version: GpiodVersion, chip: string, pin: number, value: Level): string[] {
  if (version === 1) return ['--mode=signal', chip, `${pin}=${value}`];
  return ['-c', chip, `${pin}=${value}`];
}
