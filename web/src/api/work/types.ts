/** One line of a person's home page (shared/wire/work.ts): a count and the list it links to. */
export interface WorkItem {
  key: string;
  kind: 'todo' | 'mine' | 'deadline' | 'notice';
  count: number;
  /** a portal route name */
  page?: string;
  query?: Record<string, string>;
}
