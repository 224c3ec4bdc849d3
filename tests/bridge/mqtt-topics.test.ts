import { describe, expect, it } from 'vitest';
import { parseAvailability, parseCommandPayload, parseEventPayload } from '../../devices/protocol/mqtt-schemas.js';
import { deviceMayPublish, deviceMaySubscribe, parseDeviceTopic, topics } from '../../devices/protocol/mqtt-topics.js';

const t = topics('yunfu');

describe('topics', () => {
  it('builds every contract topic under hallq/<hall>/', () => {
    expect(t.counterState('3')).toBe('hallq/yunfu/state/counters/3');
    expect(t.calls()).toBe('hallq/yunfu/state/calls');
    expect(t.queueState('mortgage')).toBe('hallq/yunfu/state/queues/mortgage');
    expect(t.emergency()).toBe('hallq/yunfu/state/emergency');
    expect(t.notify('first-aid')).toBe('hallq/yunfu/notify/first-aid');
    expect(t.deviceStatus('ups')).toBe('hallq/yunfu/devices/ups/status');
    expect(t.deviceCmd('printer-k1', 'print')).toBe('hallq/yunfu/devices/printer-k1/cmd/print');
    expect(t.deviceCmdAll('printer-k1')).toBe('hallq/yunfu/devices/printer-k1/cmd/+');
    expect(t.deviceAck('printer-k1')).toBe('hallq/yunfu/devices/printer-k1/ack');
    expect(t.deviceDesired('led-3')).toBe('hallq/yunfu/devices/led-3/desired');
    expect(t.deviceEvt('ups', 'power')).toBe('hallq/yunfu/devices/ups/evt/power');
    expect(t.deviceSubtree('ups')).toBe('hallq/yunfu/devices/ups/#');
    expect(t.allDeviceEvents()).toBe('hallq/yunfu/devices/+/evt/+');
  });

  it('refuses ids that would change the topic structure', () => {
    expect(() => t.deviceStatus('a/b')).toThrow(/device id/);
    expect(() => t.counterState('+')).toThrow(/counter id/);
    expect(() => topics('#')).toThrow(/hall id/);
    expect(() => t.deviceEvt('', 'press')).toThrow();
  });

  it('parses device topics and rejects others', () => {
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/ups/evt/power')).toEqual({
      deviceId: 'ups',
      kind: 'evt',
      name: 'power',
    });
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/cmd/print')).toEqual({
      deviceId: 'p1',
      kind: 'cmd',
      name: 'print',
    });
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/status')).toEqual({ deviceId: 'p1', kind: 'status' });
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/ack')).toEqual({ deviceId: 'p1', kind: 'ack' });
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/desired')).toEqual({ deviceId: 'p1', kind: 'desired' });
    expect(parseDeviceTopic('other', 'hallq/yunfu/devices/p1/status')).toBeNull();
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/state/calls')).toBeNull();
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/evt')).toBeNull();
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/evt/a/b')).toBeNull();
    expect(parseDeviceTopic('yunfu', 'hallq/yunfu/devices/p1/status/x')).toBeNull();
  });

  it('limits a device to publishing its own status, ack and events', () => {
    expect(deviceMayPublish('yunfu', 'p1', 'hallq/yunfu/devices/p1/status')).toBe(true);
    expect(deviceMayPublish('yunfu', 'p1', 'hallq/yunfu/devices/p1/evt/status')).toBe(true);
    expect(deviceMayPublish('yunfu', 'p1', 'hallq/yunfu/devices/p1/ack')).toBe(true);
    expect(deviceMayPublish('yunfu', 'p1', 'hallq/yunfu/devices/p2/evt/press')).toBe(false);
    expect(deviceMayPublish('yunfu', 'p1', 'hallq/yunfu/devices/p1/cmd/print')).toBe(false);
    expect(deviceMayPublish('yunfu', 'p1', 'hallq/yunfu/state/calls')).toBe(false);
  });

  it('lets a device subscribe to its commands, desired state, public hall state and staff notices only', () => {
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/devices/p1/cmd/+')).toBe(true);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/devices/p1/cmd/#')).toBe(true);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/devices/p1/desired')).toBe(true);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/state/counters/3')).toBe(true);
    expect(deviceMaySubscribe('yunfu', 'p1', t.notify('security'))).toBe(true);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/notify/#')).toBe(true);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/other/notify/#')).toBe(false);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/devices/p2/cmd/+')).toBe(false);
    expect(deviceMaySubscribe('yunfu', 'p1', 'hallq/yunfu/devices/+/evt/+')).toBe(false);
    expect(deviceMaySubscribe('yunfu', 'p1', '#')).toBe(false);
  });
});

describe('payload schemas', () => {
  it('accepts valid events and names the bad field otherwise', () => {
    expect(parseEventPayload('power', '{"id":"e1","onBattery":true}')).toEqual({
      ok: true,
      value: { id: 'e1', onBattery: true },
    });
    expect(parseEventPayload('rating', '{"id":"e2","ticketId":"t","score":6}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^score:/),
    });
    expect(parseEventPayload('press', '{"id":"e3","button":"panic"}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^button:/),
    });
    expect(parseEventPayload('status', '{"id":"e4","paper":"out","cover":"closed","error":null}')).toMatchObject({
      ok: true,
    });
    expect(parseEventPayload('count', 'not json')).toEqual({ ok: false, error: 'not JSON' });
  });

  it('validates commands, including the base64 of print', () => {
    expect(parseCommandPayload('print', JSON.stringify({ id: 'c1', ticketId: 't', escpos: 'G0AK' }))).toMatchObject({
      ok: true,
    });
    expect(
      parseCommandPayload('print', JSON.stringify({ id: 'c1', ticketId: 't', escpos: 'not base64!' })),
    ).toMatchObject({ ok: false });
    expect(
      parseCommandPayload('announce', JSON.stringify({ id: 'c2', text: '请A012号到3号窗口办理', lang: 'zh-CN' })),
    ).toEqual({
      ok: true,
      value: { id: 'c2', text: '请A012号到3号窗口办理', lang: 'zh-CN', repeat: 1 },
    });
  });

  it('reads plain-text availability', () => {
    expect(parseAvailability(Buffer.from('online'))).toBe('online');
    expect(parseAvailability('"offline"')).toBe('offline');
    expect(parseAvailability('maybe')).toBeNull();
  });
});
