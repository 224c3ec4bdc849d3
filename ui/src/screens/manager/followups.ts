/** Follow-ups of poor ratings: the comment, the counter, and the manager's answer. */
import { fill, h } from '../../lib/dom.js';
import { dateTime } from '../../lib/format.js';
import { counterName, errorText, t } from '../../lib/i18n.js';
import { toast } from '../../lib/ui.js';
import { card } from './card.js';
import type { ManagerContext } from './state.js';

export function followupsPanel(ctx: ManagerContext, root: HTMLElement): void {
  const list = ctx.followUps;
  const names = new Map<string, string>();
  const paint = () =>
    fill(
      root,
      card(
        t('m.fu.title'),
        list.length === 0
          ? h('p', { class: 'empty' }, t('m.fu.none'))
          : h(
              'ul',
              { class: 'm-fu-list' },
              list.map((f) => {
                const c = ctx.model.counter(f.counterId);
                const answer = h('textarea', {
                  class: 'input',
                  id: `fu-${f.id}`,
                  maxlength: 1000,
                  placeholder: t('m.fu.placeholder'),
                  'aria-label': t('m.fu.answer'),
                });
                return h(
                  'li',
                  { class: `m-fu ${f.open ? 'open' : 'done'}`, dataset: { followup: f.id } },
                  h(
                    'div',
                    { class: 'm-fu-head' },
                    h('span', { class: `m-score num score-${f.score}` }, f.score),
                    h('b', null, t(`level.${f.score}`)),
                    h('span', null, t('m.fu.ticket', { number: f.number, counter: counterName(c, f.counterId ?? '') })),
                    c?.staffName || names.get(f.staffId ?? '')
                      ? h('span', { class: 'm-sub' }, c?.staffName ?? names.get(f.staffId ?? ''))
                      : null,
                    h('span', { class: 'm-sub' }, dateTime(f.openedAt)),
                    h(
                      'span',
                      { class: `badge ${f.open ? 'badge-paused' : 'badge-open'}` },
                      f.open ? t('m.fu.open') : t('m.fu.answered'),
                    ),
                  ),
                  f.comment ? h('p', { class: 'm-fu-comment' }, t('m.fu.comment', { comment: f.comment })) : null,
                  f.open
                    ? h(
                        'div',
                        { class: 'm-fu-form' },
                        answer,
                        h(
                          'button',
                          {
                            type: 'button',
                            class: 'btn btn-primary',
                            onclick: async () => {
                              if (!answer.value.trim()) {
                                answer.focus();
                                return;
                              }
                              try {
                                await ctx.api.post(`/followups/${encodeURIComponent(f.id)}/answer`, {
                                  answer: answer.value.trim(),
                                });
                                await ctx.reloadFollowUps();
                                followupsPanel(ctx, root);
                              } catch (err) {
                                toast(errorText(err), 'error');
                              }
                            },
                          },
                          t('m.fu.submit'),
                        ),
                      )
                    : h(
                        'p',
                        { class: 'm-fu-answer' },
                        t('m.fu.by', { time: f.answeredAt ? dateTime(f.answeredAt) : '', answer: f.answer ?? '' }),
                      ),
                );
              }),
            ),
      ),
    );
  paint();
  void ctx.api
    .get<{ staff: Array<{ id: string; name: string }> }>('/staff')
    .then((r) => {
      for (const s of r.staff) names.set(s.id, s.name);
      if (root.querySelector('.m-fu-list') && !root.contains(document.activeElement)) paint();
    })
    .catch(() => undefined);
}
