/** English strings of the signin views (renderer/src/views/signin/). */
export const signinEn = {
  title: 'signin',
};
