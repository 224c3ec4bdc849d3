/** Answering one pre-review: its facts, the result (通过 / 不通过 / 需补正材料) and an optional note; SMS goes by itself. */
import type { Api } from '../../../lib/api.js';
import { h, setText } from '../../../lib/dom.js';
import { dateTime } from '../../../lib/format.js';
import { errorText, t } from '../../../lib/i18n.js';
import { openDialog, toast } from '../../../lib/ui.js';
import type { PrereviewResult, PrereviewView } from '../../../protocol/hall-day.js';

const RESULTS: readonly PrereviewResult[] = ['approved', 'more-materials', 'rejected'];

export function answerPrereview(
  api: Api,
  r: PrereviewView,
  service: string,
  onClose: () => void,
  onAnswered: () => Promise<void>,
): void {
  const msg = h('p', { class: 'form-error', role: 'alert' });
  const choices = RESULTS.map((result) =>
    h(
      'label',
      { class: 'c-pr-choice' },
      h('input', {
        type: 'radio',
        name: 'pr-result',
        value: result,
        id: `pr-result-${result}`,
        onchange: () => setText(msg, ''),
      }),
      h('span', null, t(`c.pr.result.${result}`)),
    ),
  );
  const note = h('textarea', { class: 'input', id: 'pr-note', maxlength: 500, rows: 3 });
  openDialog({
    title: t('c.pr.answerTitle', { reference: r.reference }),
    className: 'prereview-dialog',
    onClose,
    body: [
      h(
        'dl',
        { class: 'c-pr-facts' },
        h('dt', null, t('c.pr.service')),
        h('dd', null, service),
        h('dt', null, t('c.pr.submitted')),
        h('dd', null, dateTime(r.submittedAt)),
        h('dt', null, t('c.pr.dueAt')),
        h('dd', null, dateTime(r.dueAt)),
        h('dt', null, t('c.pr.phone')),
        h('dd', null, r.phoneMasked ?? t('c.pr.noPhone')),
      ),
      h('fieldset', { class: 'c-pr-results' }, h('legend', null, t('c.pr.result')), choices),
      h('label', { class: 'field', for: 'pr-note' }, h('span', null, t('c.pr.note')), note),
      msg,
    ],
    actions: [
      { label: t('cancel'), kind: 'ghost' },
      {
        id: 'pr-submit',
        label: t('c.pr.submit'),
        kind: 'primary',
        onClick: async () => {
          const result = document.querySelector<HTMLInputElement>('input[name="pr-result"]:checked')?.value;
          if (!result) {
            setText(msg, t('c.pr.chooseResult'));
            return false;
          }
          try {
            const body = note.value.trim() ? { result, note: note.value.trim() } : { result };
            await api.post(`/prereviews/${encodeURIComponent(r.id)}/answer`, body);
            toast(t('c.pr.answered', { reference: r.reference }), 'ok', 2200);
            await onAnswered();
            return true;
          } catch (err) {
            setText(msg, errorText(err));
            return false;
          }
        },
      },
    ],
  });
}
