// The five-level satisfaction scale of the evaluation pad (好差评), 5 = 非常满意.

export interface RatingLevel {
  score: 1 | 2 | 3 | 4 | 5;
  label: string;
  labelEn: string;
}

export const RATING_LEVELS: readonly RatingLevel[] = Object.freeze([
  { score: 5, label: '非常满意', labelEn: 'Very satisfied' },
  { score: 4, label: '满意', labelEn: 'Satisfied' },
  { score: 3, label: '基本满意', labelEn: 'Fairly satisfied' },
  { score: 2, label: '不满意', labelEn: 'Dissatisfied' },
  { score: 1, label: '非常不满意', labelEn: 'Very dissatisfied' },
]);
