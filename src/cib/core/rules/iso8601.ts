import type { Duration } from "./types.js";

/**
 * ISO 8601 dates, times and durations as Pacemaker's rules use them, and the
 * calendar arithmetic they need. Instants are Unix seconds; the calendar is the
 * proleptic Gregorian one, in UTC unless the text carries an offset.
 */

const SECONDS_PER_DAY = 86_400;

/** Days since 1970-01-01 of a civil date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** 1-366. */
  yearday: number;
  /** ISO week-numbering year and week (1-53). */
  weekYear: number;
  week: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Broken-down UTC time of a Unix instant. */
export function civilFromSeconds(seconds: number): CivilTime {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const secondOfDay = seconds - days * SECONDS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const weekday = ((((days + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
  const yearday = days - daysFromCivil(year, 1, 1) + 1;
  const { weekYear, week } = isoWeek(year, yearday, weekday);
  return {
    year, month, day, weekday, yearday, weekYear, week,
    hour: Math.floor(secondOfDay / 3600), minute: Math.floor((secondOfDay % 3600) / 60), second: secondOfDay % 60,
  };
}

function isoWeek(year: number, yearday: number, weekday: number): { weekYear: number; week: number } {
  const week = Math.floor((yearday - weekday + 10) / 7);
  if (week < 1) return { weekYear: year - 1, week: weeksInYear(year - 1) };
  if (week > weeksInYear(year)) return { weekYear: year + 1, week: 1 };
  return { weekYear: year, week };
}

/** ISO years have 53 weeks when they start on a Thursday, or on a Wednesday in a leap year. */
export function weeksInYear(year: number): number {
  const jan1 = ((((daysFromCivil(year, 1, 1) + 3) % 7) + 7) % 7) + 1;
  return jan1 === 4 || (jan1 === 3 && isLeapYear(year)) ? 53 : 52;
}

/** Monday of ISO week 1 of `weekYear`, as days since the epoch. */
function isoWeekOneMonday(weekYear: number): number {
  const jan4 = daysFromCivil(weekYear, 1, 4);
  const jan4Weekday = ((((jan4 + 3) % 7) + 7) % 7) + 1;
  return jan4 - (jan4Weekday - 1);
}

const DATE_FORMS: Array<[RegExp, (m: RegExpExecArray) => number | undefined]> = [
  [/^(\d{4})-?(\d{2})-?(\d{2})$/, (m) => civilDays(+m[1]!, +m[2]!, +m[3]!)],
  [/^(\d{4})-?W(\d{2})-?([1-7])$/, (m) => (+m[2]! >= 1 && +m[2]! <= weeksInYear(+m[1]!) ? isoWeekOneMonday(+m[1]!) + (+m[2]! - 1) * 7 + (+m[3]! - 1) : undefined)],
  [/^(\d{4})-?(\d{3})$/, (m) => (+m[2]! >= 1 && +m[2]! <= (isLeapYear(+m[1]!) ? 366 : 365) ? daysFromCivil(+m[1]!, 1, 1) + +m[2]! - 1 : undefined)],
];

function civilDays(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/**
 * Parses "2024-03-01", "2024-061", "2024-W09-5", each optionally followed by
 * a time ("T" or a space, then hh[:mm[:ss]]) and a zone (Z, ±hh, ±hh:mm, ±hhmm).
 * Returns Unix seconds, or undefined for anything else.
 */
export function parseIsoDateTime(text: string): number | undefined {
  const match = /^\s*([0-9W-]+)(?:[T ]+(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/.exec(text);
  if (!match) return undefined;
  let days: number | undefined;
  for (const [pattern, convert] of DATE_FORMS) {
    const date = pattern.exec(match[1]!);
    if (date) days = convert(date);
  }
  if (days === undefined) return undefined;
  const [hour, minute, second] = [match[2], match[3], match[4]].map((part) => (part === undefined ? 0 : Number(part)));
  if (hour! > 24 || minute! > 59 || second! > 60) return undefined;
  return days * SECONDS_PER_DAY + hour! * 3600 + minute! * 60 + second! - zoneOffsetSeconds(match[5]);
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || "0") * 60;
  return zone.startsWith("-") ? -seconds : seconds;
}

export function emptyDuration(): Duration {
  return { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
}

/**
 * Parses ISO 8601 durations: "P1Y2M3DT4H5M6S", "P2W", "PT90S". Like Pacemaker,
 * hours and seconds are also accepted before the "T" ("P10S"); "M" there is months.
 */
export function parseIsoDuration(text: string): Duration | undefined {
  const match = /^\s*P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:(\d+)H)?(?:(\d+)S)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\s*$/.exec(text);
  if (!match || /^\s*PT?\s*$/.test(text) || /T\s*$/.test(text)) return undefined;
  const [years, months, weeks, days, looseHours, looseSeconds, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return { years: years!, months: months!, weeks: weeks!, days: days!, hours: hours! + looseHours!, minutes: minutes!, seconds: seconds! + looseSeconds! };
}

/**
 * Adds a calendar duration: years and months move the month (clamping the day
 * to the month's length, as Jan 31 + 1 month = Feb 28/29), the rest is exact.
 */
export function addDuration(seconds: number, duration: Duration): number {
  const civil = civilFromSeconds(seconds);
  const totalMonths = civil.year * 12 + (civil.month - 1) + duration.years * 12 + duration.months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12 + 1;
  const day = Math.min(civil.day, daysInMonth(year, month));
  const secondOfDay = civil.hour * 3600 + civil.minute * 60 + civil.second;
  const base = daysFromCivil(year, month, day) * SECONDS_PER_DAY + secondOfDay;
  return base + (duration.weeks * 7 + duration.days) * SECONDS_PER_DAY + duration.hours * 3600 + duration.minutes * 60 + duration.seconds;
}

const INTERVAL_UNITS_MS: Record<string, number> = {
  "": 1000, s: 1000, sec: 1000, ms: 1, msec: 1, us: 0.001, usec: 0.001, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000,
};

/**
 * Pacemaker's interval and timeout syntax, as crm_simulate reads it: a whole
 * number (a fraction is ignored: "2.5m" is 2 minutes), optional spaces, and a
 * case-insensitive unit (none means seconds; ms, msec, us, usec, s, sec, m,
 * min, h, hr); or an ISO 8601 duration without years or months. Returns
 * milliseconds. Pacemaker 2.1 counts a day short in ISO durations with days
 * ("P2D" is one day); Quorate does not copy that.
 */
export function parseIntervalMs(text: string): number | undefined {
  const plain = /^\s*(\d+)(?:\.\d*)?\s*([a-z]*)\s*$/i.exec(text);
  if (plain) {
    const unit = INTERVAL_UNITS_MS[plain[2]!.toLowerCase()];
    return unit === undefined ? undefined : Math.floor(Number(plain[1]) * unit);
  }
  const duration = parseIsoDuration(text);
  if (!duration || duration.years > 0 || duration.months > 0) return undefined;
  return addDuration(0, duration) * 1000;
}
