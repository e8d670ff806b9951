/** Payout periods: calendar months in Asia/Shanghai time (UTC+8, no daylight saving). */
const shanghaiOffsetMs = 8 * 3600_000;

export const periodPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The Asia/Shanghai month of an instant: `YYYY-MM`. */
export const periodOf = (instant: Date): string => new Date(instant.getTime() + shanghaiOffsetMs).toISOString().slice(0, 7);

export const nextPeriod = (period: string): string => {
  const [year = 0, month = 0] = period.split('-').map(Number);
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
};

export const previousPeriod = (period: string): string => {
  const [year = 0, month = 0] = period.split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
};

/** The last instant of the period (Shanghai time), as UTC ISO: terms in force then explain the payout. */
export const periodEnd = (period: string): string => new Date(Date.parse(`${nextPeriod(period)}-01T00:00:00.000Z`) - shanghaiOffsetMs - 1).toISOString();

export const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

export const runIdOf = (period: string): string => `run_${period}`;
export const periodOfRunId = (runId: string): string | undefined => {
  const period = runId.startsWith('run_') ? runId.slice(4) : '';
  return periodPattern.test(period) ? period : undefined;
};
