import type { reviewEn } from './review.en';
import type { Strings } from './strings';

export const reviewFr: Strings<typeof reviewEn> = {
  title: 'review',
};
