// Dates and times are shown in the service's zone (TRACEGRAPH_TZ), whatever the
// browser's own zone is.

let zone = 'Asia/Shanghai';
let locale = 'zh-CN';

export function setZone(z: string): void {
  zone = z;
}
export function getZone(): string {
  return zone;
}
export function setLocale(l: string): void {
  locale = l;
}

/** "2020-01-21 18:30" in the service's zone. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2020-01-21" in the service's zone. */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** A long, localised date for headings. */
export function fmtLongDate(d: Date): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

function parts(d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d)) {
    out[p.type] = p.value;
  }
  return out;
}

/** The zone's offset from UTC at instant ms, in ms. */
function offsetAt(ms: number): number {
  const p = parts(new Date(ms));
  const asUTC = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
  return asUTC - Math.floor(ms / 60000) * 60000;
}

/** The instant of local wall time y-m-d h:mi in the service's zone. */
export function zoned(y: number, m: number, d: number, h = 0, mi = 0): Date {
  const guess = Date.UTC(y, m - 1, d, h, mi);
  let ms = guess - offsetAt(guess);
  ms = guess - offsetAt(ms); // once more across an offset change
  return new Date(ms);
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDate(d: Date): string {
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Adds n calendar days to a YYYY-MM-DD date. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The whole days from date a to date b (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  const pa = a.split('-').map(Number);
  const pb = b.split('-').map(Number);
  return Math.round((Date.UTC(pb[0], pb[1] - 1, pb[2]) - Date.UTC(pa[0], pa[1] - 1, pa[2])) / 86400000);
}

/** 23:59 local on a date: the slider's moment for that day. */
export function endOfDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return zoned(y, m, d, 23, 59);
}

/** RFC 3339 with the zone's offset, as the service writes it. */
export function rfc3339(d: Date): string {
  const off = offsetAt(d.getTime()) / 60000;
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  const p = parts(d);
  const sec = String(d.getUTCSeconds()).padStart(2, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${sec}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
