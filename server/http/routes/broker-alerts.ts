/**
 * The server's link to an external MQTT broker, when it has been down a while: an alert for the manager and a line in
 * /healthz. Shorter outages are a broker restart, which the link rides out (the embedded broker is never down).
 */
import type { Alert } from '../../../protocol/alerts.js';
import type { ApiDeps } from '../deps.js';

const SHOWN_AFTER_MS = 15_000;

/** The outage, once it has lasted SHOWN_AFTER_MS. */
export function brokerDown(deps: ApiDeps, now = Date.now()): { since: number; error?: string } | undefined {
  const down = deps.mqttDown?.();
  return down && now - down.since >= SHOWN_AFTER_MS ? down : undefined;
}

export function brokerAlerts(deps: ApiDeps): Alert[] {
  const alerts: Alert[] = [];
  const down = brokerDown(deps);
  if (down)
    alerts.push({
      kind: 'mqtt.broker_down',
      severity: 'critical',
      message: `the hall server cannot reach its MQTT broker${down.error ? ` (${down.error})` : ''}: no printer, speaker, LED board or button works until it can`,
      since: new Date(down.since).toISOString(),
    });
  const reload = deps.brokerReloadFailed?.();
  if (reload)
    alerts.push({
      kind: 'mqtt.reload_failed',
      severity: 'critical',
      message: `MQTT_RELOAD_COMMAND failed (${reload.error}): the broker refuses devices added since; fix the command (docs/devices.md) or reload it by hand`,
      since: new Date(reload.since).toISOString(),
    });
  return alerts;
}
