/** `2026-11-23 13:05 UTC`: unambiguous in both languages, no locale data needed. */
export function formatDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

