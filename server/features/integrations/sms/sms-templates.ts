/**
 * The SMS templates of contract v2, in Chinese, each signed with the hall's name (`params.hall`). The gateway holds
 * the registered templates and fills in `params`; this text is what is registered with it, and what the stand-in
 * shows when a message "leaves".
 */
import type { SmsTemplate } from '../../../core/event-bus.js';
import { localTime } from '../../../domain/clock.js';
import type { PrereviewResult } from '../../../domain/types.js';

export const SMS_TEMPLATES: Record<SmsTemplate, string> = {
  'turn-near': '【{hall}】您的{number}号前面还有{ahead}人，请尽快回到大厅留意叫号。',
  'appointment-reminder': '【{hall}】您已预约{date} {time}办理{service}，预约码{code}，请按时到大厅签到取号。',
  'slot-moved': '【{hall}】您的{number}号今日未能办理，已为您预约{date} {time}，预约码{code}，请按时到大厅签到取号。',
  'prereview-result': '【{hall}】您的网上预审{reference}结果：{resultText}。',
  'playbook-notify': '【{hall}】{text}',
};

/** The message as the citizen reads it. */
export function renderSms(template: SmsTemplate, params: Record<string, string | number>): string {
  return SMS_TEMPLATES[template].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `{date, time}` of a moment as the citizen reads it, in the hall's time zone: `12月4日`, `08:30`. */
export function smsDateTime(at: number, timeZone: string): { date: string; time: string } {
  const t = localTime(at, timeZone);
  return { date: `${Number(t.date.slice(5, 7))}月${Number(t.date.slice(8))}日`, time: `${pad(t.hh)}:${pad(t.mm)}` };
}

/** A pre-review's result in the citizen's words (the code stays in `result` for gateways that use it). */
export const PREREVIEW_RESULT_TEXT: Record<PrereviewResult, string> = {
  approved: '通过，请携带材料到大厅办理',
  rejected: '未通过，详情请咨询大厅',
  'more-materials': '需补充材料，请登录查看',
};
