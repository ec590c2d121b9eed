import type { signinEn } from './signin.en';
import type { Strings } from './strings';

export const signinFr: Strings<typeof signinEn> = {
  title: 'signin',
};
