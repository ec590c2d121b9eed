/** English strings of the desk views (renderer/src/views/desk/). */
export const deskEn = {
  title: 'desk',
};
