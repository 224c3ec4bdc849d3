// Every MQTT topic of the HallQ contract and its payload type — nothing else in the project builds topic strings.
//
// Layout (CONTRACT.md § MQTT), all under `hallq/<hallId>/`:
//
// | topic                                   | dir             | retained | payload                  |
// | --------------------------------------- | --------------- | -------- | ------------------------ |
// | state/counters/<counterId>              | server → all    | yes      | CounterStatePayload      |
// | state/calls                             | server → all    | yes      | CallsPayload             |
// | state/queues/<serviceId>                | server → all    | yes      | QueueStatePayload        |
// | state/emergency                         | server → all    | yes      | EmergencyPayload         |
// | devices/<deviceId>/status               | device → server | yes      | `online` / `offline` (plain text, last will) |
// | devices/<deviceId>/cmd/<name>           | server → device | never    | DeviceCommands[name]     |
// | devices/<deviceId>/ack                  | device → server | no       | AckPayload               |
// | devices/<deviceId>/desired              | server → device | yes      | DesiredPayload           |
// | devices/<deviceId>/evt/<name>           | device → server | no       | DeviceEvents[name]       |
// | notify/<role>                           | server → staff  | never    | NotifyPayload            |
//
// Commands and events go at QoS 1 and carry a unique `id`; the device acks each command id (again, if resent, without
// running it twice) and the server drops events whose id it has already seen.

/** Root of every HallQ topic. */
export const TOPIC_ROOT = 'hallq';

/** Device kinds a manager can register (`POST /devices`). */
export const DEVICE_KINDS = ['kiosk', 'printer', 'led', 'speaker', 'pad', 'display', 'button', 'sensor'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

// ---------------------------------------------------------------------------------------------------------------
// Hall state (server → devices, retained)

/** Counter status as the server names it; the listed values are the usual ones, any string is accepted. */
export type CounterStatus = 'open' | 'closed' | 'paused' | 'called' | 'serving' | (string & {});

/** `state/counters/<counterId>` — what a counter's LED board shows. */
export interface CounterStatePayload {
  /** Ticket number now at the counter (`A012`), or null. */
  number: string | null;
  status: CounterStatus;
  serviceId: string | null;
  /** ISO 8601 time of the (last) call of `number`, or null. */
  calledAt: string | null;
  /** Optional display extras. */
  name?: string;
  ticketStatus?: string | null;
  pauseReason?: string | null;
  staffName?: string | null;
  outOfTurn?: OutOfTurnCategory | null;
}

/** Category of an out-of-turn call, shown publicly instead of the free-text reason. */
export type OutOfTurnCategory = 'urgent' | 'special-group' | 'system-redo' | 'manager' | 'other';

/** One entry of `state/calls`. */
export interface CallEntry {
  number: string;
  counterId: string;
  counterName?: string;
  serviceId: string;
  /** ISO 8601. */
  calledAt: string;
  /** True when this entry is a recall of an earlier call. */
  recall?: boolean;
  /** Set when the ticket was called out of turn. */
  outOfTurn?: OutOfTurnCategory;
  /** Set for a green-lane ticket (ahead of everyone by the rule): the board marks it. */
  green?: boolean;
}

/** `state/calls` — the latest calls, newest first, for the hall board. */
export type CallsPayload = CallEntry[];

/** `state/queues/<serviceId>`. */
export interface QueueStatePayload {
  waiting: number;
  etaMinutes: number;
}

/** The active emergency playbook. */
export interface ActivePlaybook {
  playbookId: string;
  name: string;
  /** ISO 8601. */
  activatedAt: string;
  /** Public banner text, if the playbook has one. */
  banner?: string | null;
  /** Ticket issuing while it is active (`normal`, `paused`, `appointments-only`). */
  issuing?: string;
}

/** One active playbook in the v2 `state/emergency` (public view: no notes, the cause says only `by`). */
export interface ActivePlaybookV2 {
  playbookId: string;
  name: string;
  drill: boolean;
  /** ISO 8601. */
  startedAt: string;
  cause: { by: 'manager' | 'device' | 'metric' | 'integration' };
  severity: 'life-safety' | 'high' | 'medium' | 'low';
  issuing: string;
  banner: string | null;
  freezeQueue: boolean;
  mustAcknowledge: boolean;
}

/**
 * `state/emergency` (contract v2) — every active playbook and their combined effect: the strictest issuing mode, the
 * banners most severe first (a drill's says 【演练】), whether the queue is frozen. Nothing active: `active: []`.
 */
export interface EmergencyPayload {
  active: ActivePlaybookV2[];
  effective: {
    issuing: string;
    banners: Array<{ playbookId: string; text: string; severity: string; drill: boolean }>;
    frozen: boolean;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Device availability (device → server, retained, plain text)

export const DEVICE_AVAILABILITY = ['online', 'offline'] as const;
/** `devices/<id>/status`: sent as the bare text `online` / `offline`, not JSON. */
export type DeviceAvailability = (typeof DEVICE_AVAILABILITY)[number];

// ---------------------------------------------------------------------------------------------------------------
// Commands (server → device, QoS 1, never retained)

/** Fields every command carries. */
export interface CommandBase {
  /** Unique per command; a resend keeps the id. */
  id: string;
}

/** `cmd/print` (printer): ESC/POS bytes, Chinese text in GB18030, base64-encoded. */
export interface PrintCommand extends CommandBase {
  ticketId: string;
  escpos: string;
}

/** `cmd/show` (led, display): lines to show now. */
export interface ShowCommand extends CommandBase {
  lines: string[];
  blink?: boolean;
}

/** Announcement language: the hall's `languages` (`zh-CN` Mandarin, `yue` Cantonese, `en`). */
export type AnnounceLang = 'zh-CN' | 'yue' | 'en';

/** `cmd/announce` (speaker), e.g. 请A012号到3号窗口办理. */
export interface AnnounceCommand extends CommandBase {
  text: string;
  lang: AnnounceLang;
  /** How many times to say it (1–5). */
  repeat: number;
  /**
   * A playbook's notice (an evacuation): said before the calls still waiting in the speaker's queue, and taken even
   * when the queue is full of calls. Absent: a call, in its turn.
   */
  urgent?: boolean;
  /**
   * Among urgent announcements, 0–9, higher first (a notice carries its playbook's severity: life-safety 3, high 2,
   * medium 1, low 0); one cuts off a less severe one being said, which is said again, whole, after it. Absent: 0.
   */
  priority?: number;
  /** What it belongs to (`playbook:<id>` for a notice): `cmd/announce-cancel` with this tag drops it unspoken. */
  tag?: string;
}

/**
 * `cmd/announce-cancel` (speaker): the announcements with this tag still waiting in the speaker's queue are dropped
 * unspoken (a playbook ended: its evacuation notice must not be said after the all-clear).
 */
export interface AnnounceCancelCommand extends CommandBase {
  tag: string;
}

/** `cmd/rate` (pad): ask the citizen to rate the service of this ticket. */
export interface RateCommand extends CommandBase {
  ticketId: string;
}

/** `cmd/gpio` (any device hosted by the firmware bridge with GPIO outputs): drive a named output. */
export interface GpioCommand extends CommandBase {
  /** Output name from the bridge config (e.g. `away-lamp`). */
  output: string;
  value: 0 | 1;
  /** If set, return to the other level after this many milliseconds (a pulse). */
  pulseMs?: number;
}

/**
 * `cmd/power-save` (display, pad): the hall is on UPS battery (`on: true`) or back on mains (`on: false`). A screen
 * dims its backlight and stops animations; a pad turns its screen off until its next `cmd/rate`.
 */
export interface PowerSaveCommand extends CommandBase {
  on: boolean;
}

/**
 * `cmd/power-off` (every device): the UPS battery is nearly empty and the hall server is shutting down cleanly. A
 * device host (the firmware bridge) acks, stops its devices cleanly and exits (then powers its machine off if told
 * how); a device with firmware of its own saves its state and turns off.
 */
export interface PowerOffCommand extends CommandBase {
  /** What the UPS said was left, when it said. */
  minutesLeft: number | null;
}

/** Command name → payload. */
export interface DeviceCommands {
  print: PrintCommand;
  show: ShowCommand;
  announce: AnnounceCommand;
  'announce-cancel': AnnounceCancelCommand;
  rate: RateCommand;
  gpio: GpioCommand;
  'power-save': PowerSaveCommand;
  'power-off': PowerOffCommand;
}
export type CommandName = keyof DeviceCommands;
export const COMMAND_NAMES = [
  'print',
  'show',
  'announce',
  'announce-cancel',
  'rate',
  'gpio',
  'power-save',
  'power-off',
] as const satisfies readonly CommandName[];

/** `devices/<id>/ack`: the answer to the command `id`. */
export interface AckPayload {
  id: string;
  ok: boolean;
  /** Short machine-readable reason when `ok` is false (`paper-out`, `bad-payload: …`, `unknown-command`). */
  error?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Desired state (server → display-type device, retained)

/** `desired` of an LED board or display: what it should show now (same shape as `cmd/show` without `id`). */
export interface ShowDesired {
  lines: string[];
  blink?: boolean;
}

/** `desired` of a pad: the ticket awaiting a rating, or null when idle. */
export interface RateDesired {
  ticketId: string | null;
}

/** `devices/<id>/desired`. An empty payload clears it. */
export type DesiredPayload = ShowDesired | RateDesired;

/**
 * `notify/<role>` — a playbook started: staff devices of that role show or sound it. No personal data; `text` is the
 * playbook's name and note (【演练】 first in a drill).
 */
export interface NotifyPayload {
  playbookId: string;
  name: string;
  severity: 'life-safety' | 'high' | 'medium' | 'low';
  drill: boolean;
  /** ISO 8601: when the playbook started. */
  at: string;
  text: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Events (device → server, QoS 1; the server drops duplicate ids)

/** Fields every event carries. */
export interface EventBase {
  /** Unique per event; a resent event keeps its id. */
  id: string;
  /** ISO 8601 time the device saw it happen; an event may arrive late after an outage. */
  at?: string;
}

export type PaperState = 'ok' | 'low' | 'out';
export type CoverState = 'closed' | 'open';

/** `evt/status` (printer). Published only when it changes. */
export interface StatusEvent extends EventBase {
  paper: PaperState;
  cover: CoverState;
  /** null when fine; otherwise `offline`, `cutter`, `unrecoverable`, `error`, … */
  error?: string | null;
}

export const PRESS_BUTTONS = ['call', 'recall', 'no-show', 'emergency'] as const;
export type PressButton = (typeof PRESS_BUTTONS)[number];

/** `evt/press` (button). */
export interface PressEvent extends EventBase {
  button: PressButton;
}

/** `evt/rating` (pad), score 1–5 (5 = 非常满意). */
export interface RatingEvent extends EventBase {
  ticketId: string;
  score: number;
}

/** `evt/power` (UPS). */
export interface PowerEvent extends EventBase {
  onBattery: boolean;
  /** The UPS says the battery is nearly empty: the server shuts down cleanly. */
  batteryLow?: boolean;
  /** Minutes of battery left, if the UPS knows (under 5: the server shuts down cleanly). */
  minutesLeft?: number;
}

/** `evt/count` (people counter). */
export interface CountEvent extends EventBase {
  inside: number;
}

/** `evt/alarm` (fire panel contact). */
export interface AlarmEvent extends EventBase {
  active: boolean;
}

/** Event name → payload. */
export interface DeviceEvents {
  status: StatusEvent;
  press: PressEvent;
  rating: RatingEvent;
  power: PowerEvent;
  count: CountEvent;
  alarm: AlarmEvent;
}
export type EventName = keyof DeviceEvents;
export const EVENT_NAMES = [
  'status',
  'press',
  'rating',
  'power',
  'count',
  'alarm',
] as const satisfies readonly EventName[];

/** An event body as a driver produces it; the transport adds `id` and `at`. */
export type EventBody<N extends EventName> = Omit<DeviceEvents[N], keyof EventBase>;

// ---------------------------------------------------------------------------------------------------------------
// Builders

/** Throws unless `value` is usable as one topic level (non-empty, no `/`, `+`, `#`, NUL). */
export function topicSegment(value: string, what = 'topic segment'): string {
  if (typeof value !== 'string' || value.length === 0 || /[/+#\u0000]/.test(value)) {
    throw new Error(`invalid ${what}: ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Topic builders for one hall.
 * @example topics('yunfu-realestate').deviceCmd('printer-k1', 'print') // 'hallq/yunfu-realestate/devices/printer-k1/cmd/print'
 */
export function topics(hallId: string) {
  const hall = `${TOPIC_ROOT}/${topicSegment(hallId, 'hall id')}`;
  const dev = (deviceId: string) => `${hall}/devices/${topicSegment(deviceId, 'device id')}`;
  return {
    /** `hallq/<hall>` */
    root: hall,
    counterState: (counterId: string) => `${hall}/state/counters/${topicSegment(counterId, 'counter id')}`,
    calls: () => `${hall}/state/calls`,
    queueState: (serviceId: string) => `${hall}/state/queues/${topicSegment(serviceId, 'service id')}`,
    emergency: () => `${hall}/state/emergency`,
    /** `hallq/<hall>/state/#` — everything a display may subscribe to. */
    allState: () => `${hall}/state/#`,
    /** `notify/<role>` — a playbook's notice to the staff it names (`manager`, `security`, …), QoS 1, not retained. */
    notify: (role: string) => `${hall}/notify/${topicSegment(role, 'notify role')}`,

    /** `devices/<id>/` with the trailing slash: every topic a device may publish starts with it. */
    devicePrefix: (deviceId: string) => `${dev(deviceId)}/`,
    deviceStatus: (deviceId: string) => `${dev(deviceId)}/status`,
    deviceCmd: (deviceId: string, name: CommandName) => `${dev(deviceId)}/cmd/${name}`,
    /** `devices/<id>/cmd/+` — what a device subscribes to for its commands. */
    deviceCmdAll: (deviceId: string) => `${dev(deviceId)}/cmd/+`,
    deviceAck: (deviceId: string) => `${dev(deviceId)}/ack`,
    deviceDesired: (deviceId: string) => `${dev(deviceId)}/desired`,
    deviceEvt: (deviceId: string, name: EventName) => `${dev(deviceId)}/evt/${name}`,
    /** `devices/<id>/#` */
    deviceSubtree: (deviceId: string) => `${dev(deviceId)}/#`,

    /** Server-side wildcards over every device. */
    allDeviceStatus: () => `${hall}/devices/+/status`,
    allDeviceAcks: () => `${hall}/devices/+/ack`,
    allDeviceEvents: () => `${hall}/devices/+/evt/+`,
  };
}
export type HallTopics = ReturnType<typeof topics>;

// ---------------------------------------------------------------------------------------------------------------
// Parsing and access rules

export type DeviceTopicKind = 'status' | 'cmd' | 'ack' | 'desired' | 'evt';

export interface ParsedDeviceTopic {
  deviceId: string;
  kind: DeviceTopicKind;
  /** Command or event name for `cmd` / `evt`. */
  name?: string;
}

/**
 * Splits a device topic of this hall; null for anything else (other hall, state topics, unknown shapes).
 * @example parseDeviceTopic('h', 'hallq/h/devices/ups/evt/power') // { deviceId: 'ups', kind: 'evt', name: 'power' }
 */
export function parseDeviceTopic(hallId: string, topic: string): ParsedDeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length < 5 || parts[0] !== TOPIC_ROOT || parts[1] !== hallId || parts[2] !== 'devices') return null;
  const deviceId = parts[3];
  const kind = parts[4];
  if (!deviceId || /[+#]/.test(deviceId)) return null;
  if (parts.length === 5 && (kind === 'status' || kind === 'ack' || kind === 'desired')) return { deviceId, kind };
  if (parts.length === 6 && (kind === 'cmd' || kind === 'evt')) {
    const name = parts[5];
    if (!name || /[+#]/.test(name)) return null;
    return { deviceId, kind, name };
  }
  return null;
}

/** True for a known command name. */
export function isCommandName(name: string | undefined): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name ?? '');
}

/** True for a known event name. */
export function isEventName(name: string | undefined): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name ?? '');
}

/**
 * What a device login may publish (for the broker's `authorizePublish`, last wills included): its own `status`,
 * `ack` and `evt/<name>`, nothing else.
 */
export function deviceMayPublish(hallId: string, deviceId: string, topic: string): boolean {
  const parsed = parseDeviceTopic(hallId, topic);
  if (!parsed || parsed.deviceId !== deviceId) return false;
  return parsed.kind === 'status' || parsed.kind === 'ack' || parsed.kind === 'evt';
}

/** Whether a device's publish on `topic` may be kept retained: only its `status` (online/offline); events and acks never. */
export function deviceMayRetain(hallId: string, topic: string): boolean {
  return parseDeviceTopic(hallId, topic)?.kind === 'status';
}

/**
 * What a device login may subscribe to (for `authorizeSubscribe`): its own `cmd/+` (or `cmd/#`), single commands,
 * `desired`, the hall's public `state/…` topics, and the playbook notices to staff (`notify/<role>`).
 */
export function deviceMaySubscribe(hallId: string, deviceId: string, filter: string): boolean {
  const t = topics(hallId);
  if (filter === t.deviceCmdAll(deviceId) || filter === `${t.devicePrefix(deviceId)}cmd/#`) return true;
  if (filter === t.deviceDesired(deviceId)) return true;
  const parsed = parseDeviceTopic(hallId, filter);
  if (parsed && parsed.deviceId === deviceId && parsed.kind === 'cmd' && isCommandName(parsed.name)) return true;
  return filter.startsWith(`${t.root}/state/`) || filter.startsWith(`${t.root}/notify/`);
}
