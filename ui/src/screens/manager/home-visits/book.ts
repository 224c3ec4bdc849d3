/** Booking a home visit (上门服务): the service, the day, the address (sealed by the server), and who visits. */
import { h, setText } from '../../../lib/dom.js';
import { errorText, serviceName, t } from '../../../lib/i18n.js';
import { toast } from '../../../lib/ui.js';
import type { ManagerContext } from '../state.js';

export interface StaffOption {
  id: string;
  name: string;
  username: string;
}

export function bookingForm(ctx: ManagerContext, staff: StaffOption[], today: string, onBooked: () => void) {
  const services = ctx.model.view?.services ?? [];
  const service = h(
    'select',
    { class: 'input', id: 'hv-service', required: true },
    services.map((s) => h('option', { value: s.id }, serviceName(s))),
  );
  const date = h('input', { class: 'input', id: 'hv-date', type: 'date', required: true, min: today, value: today });
  const address = h('input', { class: 'input', id: 'hv-address', required: true, maxlength: 200, autocomplete: 'off' });
  const phone = h('input', { class: 'input', id: 'hv-phone', type: 'tel', maxlength: 20, autocomplete: 'off' });
  const visitor = h(
    'select',
    { class: 'input', id: 'hv-staff' },
    h('option', { value: '' }, t('m.hv.anyone')),
    staff.map((s) => h('option', { value: s.id }, `${s.name}（${s.username}）`)),
  );
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const field = (id: string, key: string, input: HTMLElement) =>
    h('label', { class: 'field', for: id }, h('span', null, t(key)), input);
  const form = h(
    'form',
    { class: 'm-form', id: 'visit-form' },
    field('hv-service', 'm.hv.service', service),
    field('hv-date', 'm.hv.date', date),
    field('hv-address', 'm.hv.address', address),
    field('hv-phone', 'm.hv.phone', phone),
    field('hv-staff', 'm.hv.staff', visitor),
    h('p', { class: 'hint' }, t('m.hv.sealed')),
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'hv-book' }, t('m.hv.book')),
    msg,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    setText(msg, '');
    try {
      await ctx.api.post('/home-visits', {
        serviceId: service.value,
        date: date.value,
        address: address.value.trim(),
        ...(phone.value.trim() ? { phone: phone.value.trim() } : {}),
        ...(visitor.value ? { assignedTo: visitor.value } : {}),
      });
      toast(t('m.hv.booked'), 'ok');
      onBooked();
    } catch (err) {
      setText(msg, errorText(err));
    }
  });
  return form;
}
