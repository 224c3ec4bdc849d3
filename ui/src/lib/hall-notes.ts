/** What the hall's day adds to a screen: extended service (延时服务) and services no open counter serves. */
import type { HallView, ServiceView } from '../protocol/hall.js';

/** When extended service ends, while the hall is in it; else null. */
export function extendedUntil(view: HallView): string | null {
  return view.extendedService?.until ?? null;
}

/** Services with people waiting that no open or briefly paused counter serves (`needsCounter`), among `ids` if given. */
export function unservedServices(view: HallView, ids?: readonly string[]): ServiceView[] {
  return view.services.filter((s) => s.needsCounter && (!ids || ids.includes(s.id)));
}
