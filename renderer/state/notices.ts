// The notice list the page shows, newest first: an error replaces the errors before it (only the
// latest one is still true), a progress line ("writing demo data: 66%") replaces its predecessor,
// the same message twice shows once, and at most MAX_NOTICES stay.
export interface Notice {
  id: number;
  level: 'info' | 'error';
  message: string;
  at: Date;
}

export const MAX_NOTICES = 5;

function sameTopic(a: Notice, b: Notice): boolean {
  const topic = (notice: Notice) => notice.message.split(': ')[0];
  return a.level === b.level && a.message.includes(': ') && topic(a) === topic(b);
}

export function addNotice(list: readonly Notice[], notice: Notice): Notice[] {
  const latest = list[0];
  if (latest?.message === notice.message && latest.level === notice.level) return [...list];
  let rest = [...list];
  if (notice.level === 'error') rest = rest.filter((item) => item.level !== 'error');
  else if (latest && sameTopic(latest, notice)) rest = rest.slice(1);
  return [notice, ...rest].slice(0, MAX_NOTICES);
}
