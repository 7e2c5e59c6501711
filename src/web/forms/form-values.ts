/** A parsed form body: each field a string, or an array of them when repeated (checkboxes). */
export type FormBody = Record<string, unknown>;

/** The body as fields; anything else (no body) as none. */
export const formBody = (input: unknown): FormBody => (input && typeof input === 'object' ? input : {}) as FormBody;

/** One text field; '' when missing or repeated. */
export const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A field that may repeat (checkboxes): its string values. */
export const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);
