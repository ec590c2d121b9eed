/** English strings of the review views (renderer/src/views/review/). */
export const reviewEn = {
  title: 'review',
};
