// The moment every view answers as of (the asOf slider), and the hash routes.
import { addDays, daysBetween, endOfDay, localDate, rfc3339 } from './time';

export interface Route {
  view: string;
  arg: string;
  params: URLSearchParams;
}

export function parseRoute(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const [view, ...rest] = path.split('/');
  return { view: view || 'dashboard', arg: decodeURIComponent(rest.join('/')), params: new URLSearchParams(query ?? '') };
}

export function routeHash(view: string, arg = '', params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  return `#/${view}${arg ? '/' + encodeURIComponent(arg) : ''}${q ? '?' + q : ''}`;
}

/** The slider's range: local dates, one step a day. */
export interface Range {
  first: string;
  last: string;
}

export class AsOf {
  /** null means "now" (the service's default). */
  value: Date | null = null;
  range: Range;
  private listeners: (() => void)[] = [];

  constructor() {
    const today = localDate(new Date());
    this.range = { first: addDays(today, -60), last: today };
  }

  onChange(f: () => void): void {
    this.listeners.push(f);
  }

  set(d: Date | null, notify = true): void {
    this.value = d;
    if (notify) for (const f of this.listeners) f();
  }

  /** The asOf argument for GraphQL: null lets the service use now. */
  arg(): string | null {
    return this.value ? rfc3339(this.value) : null;
  }

  /** The moment shown: the value, or now. */
  moment(): Date {
    return this.value ?? new Date();
  }

  steps(): number {
    return Math.max(0, daysBetween(this.range.first, this.range.last));
  }

  dayIndex(): number {
    const d = localDate(this.moment());
    return Math.min(this.steps(), Math.max(0, daysBetween(this.range.first, d)));
  }

  dayAt(i: number): Date {
    return endOfDay(addDays(this.range.first, i));
  }
}
