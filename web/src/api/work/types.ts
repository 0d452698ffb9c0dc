/** One line of a person's home page: a count and the list it links to (defined once, in shared/). */
export type { WorkItem } from '@shared/wire/work.ts';
