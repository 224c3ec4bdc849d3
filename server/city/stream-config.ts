/**
 * The city's two streams and their limits (docs/city.md, "Retention"): made when missing, brought to these limits
 * when an older city process made them without. Both discard *new* messages when full: a publisher is refused
 * rather than an unread message dropped, and a refused site keeps its events behind its cursor and sends them later.
 * The sites' stream also bounds each site's share (its message size and messages per subject), so that one site's
 * credentials cannot fill it and have every other site refused.
 */
import { DiscardPolicy, nanos, StorageType, type JetStreamManager, type StreamConfig } from 'nats';
import {
  CITY_DOWN_STREAM,
  CITY_MAX_MESSAGE_BYTES,
  CITY_STREAM,
  CITY_STREAM_SUBJECTS,
  cityDownSubject,
} from '../../protocol/city.js';

export interface StreamLimits {
  /** How long a message is kept after it was stored (not after its event happened). */
  maxAgeHours: number;
  maxBytes: number;
}

export interface CityStreamLimits {
  /**
   * `maxMsgsPerSite`: the messages kept per subject (a site's events, its info); past it the site's oldest go, which
   * the city has read long before, so a site flooding its own subject pushes out only its own.
   */
  events: StreamLimits & { maxMsgsPerSite: number };
  directives: StreamLimits;
}

const HOUR_MS = 3_600_000;
const MIB = 1024 * 1024;

/**
 * A week of every site's events (about 270 bytes each: 50 busy sites store some 70 MB a day); directives for a month.
 * 40,000 messages a subject is eight days of a busy hall's 5,000 events, and at most 80 MB of any site's subject.
 */
export const DEFAULT_LIMITS: CityStreamLimits = {
  events: { maxAgeHours: 7 * 24, maxBytes: 1024 * MIB, maxMsgsPerSite: 40_000 },
  directives: { maxAgeHours: 30 * 24, maxBytes: 64 * MIB },
};

function withLimits(limits: StreamLimits) {
  return { max_age: nanos(limits.maxAgeHours * HOUR_MS), max_bytes: limits.maxBytes, discard: DiscardPolicy.New };
}

export function cityStreamConfigs(replicas: number, limits: CityStreamLimits): Array<Partial<StreamConfig>> {
  const common = {
    storage: StorageType.File,
    num_replicas: replicas,
    // Within the window the engine drops a re-sent message id; beyond it the read model passes it over by seq.
    duplicate_window: nanos(2 * 60_000),
  };
  return [
    {
      ...common,
      ...withLimits(limits.events),
      max_msg_size: CITY_MAX_MESSAGE_BYTES,
      max_msgs_per_subject: limits.events.maxMsgsPerSite,
      name: CITY_STREAM,
      subjects: CITY_STREAM_SUBJECTS,
    },
    // Down the tree: one subject per site, kept until the site's consumer has it (a site offline for days too).
    { ...common, ...withLimits(limits.directives), name: CITY_DOWN_STREAM, subjects: [cityDownSubject('*')] },
  ];
}

/** Makes each stream, or updates its limits when they differ from these. */
export async function ensureCityStreams(
  jsm: JetStreamManager,
  replicas: number,
  limits: CityStreamLimits,
): Promise<void> {
  for (const config of cityStreamConfigs(replicas, limits)) {
    const name = config.name!;
    const info = await jsm.streams.info(name).catch(() => undefined);
    if (!info) {
      await jsm.streams.add(config);
      continue;
    }
    const c = info.config;
    const limits = ['max_age', 'max_bytes', 'discard', 'max_msg_size', 'max_msgs_per_subject'] as const;
    const wanted = Object.fromEntries(limits.filter((k) => config[k] !== undefined).map((k) => [k, config[k]]));
    if (Object.entries(wanted).some(([k, v]) => c[k as keyof StreamConfig] !== v))
      await jsm.streams.update(name, { ...c, ...wanted });
  }
}
