import { Type } from 'typebox';

/*
 * The building blocks every module's HTTP schemas share, defined once.
 */

/**
 * A value or null. Null comes first: the request validator coerces types, and with a string first it
 * would turn a null into "" before trying null (a cleared address stored as an empty string).
 */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/** A database id: a positive integer that JavaScript numbers hold exactly. */
export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
export const Instant = Type.String({ format: 'date-time' });
export const CalendarDate = Type.String({
  format: 'date',
  description: 'Calendar date YYYY-MM-DD (Europe/Rome)',
});
