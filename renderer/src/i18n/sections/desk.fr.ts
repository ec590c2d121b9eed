import type { deskEn } from './desk.en';
import type { Strings } from './strings';

export const deskFr: Strings<typeof deskEn> = {
  title: 'desk',
};
