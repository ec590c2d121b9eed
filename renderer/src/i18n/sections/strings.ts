/** The French catalogue of a section has exactly the English one's keys (the compiler checks). */
export type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };
